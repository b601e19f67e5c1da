/// A versioned workflow (saga) template: ordered steps plus the policies that apply to them.
///
/// ```swift
/// let fulfilment = WorkflowDefinition("order-fulfilment", version: 2) {
///     StepDefinition.call("reserve-inventory", action: reserve, compensate: release)
///         .retry(.defaults { $0.maxAttempts = 5 })
///         .timeout(.seconds(2))
///     StepDefinition.call("charge-payment", action: charge, compensate: refund)
///     StepDefinition.call("schedule-delivery", action: schedule)
/// }
/// ```
/// A running instance stays on the version it started with.
public struct WorkflowDefinition: Sendable {
    public struct Configuration: Sendable, Hashable {
        /// Applies to every step without its own policy.
        public var retry: RetryPolicy
        /// Applies to every compensation without its own policy.
        public var compensationRetry: RetryPolicy
        /// The whole workflow's deadline, measured from its start; passing it starts compensation.
        public var timeout: Duration?

        public static let defaults = Configuration(
            retry: .defaults,
            compensationRetry: RetryPolicy(
                maxAttempts: 5,
                backoff: .exponential(initial: .milliseconds(200), maximum: .seconds(60), jitter: 0.2)
            ),
            timeout: nil
        )

        public static func defaults(_ configure: (inout Configuration) -> Void) -> Configuration {
            var configuration = Configuration.defaults
            configure(&configuration)
            return configuration
        }
    }

    public let type: String
    public let version: Int
    public let steps: [StepDefinition]
    public var configuration: Configuration
    /// Every step including the branches of parallel groups (each group followed by its branches).
    public let allSteps: [StepDefinition]
    /// Positions in `allSteps` by step name (the first, should a name repeat).
    private let positions: [String: Int]
    /// The type a workflow's input must decode as, checked when it starts; nil takes any input.
    public private(set) var input: WorkflowInputType?

    public init(
        _ type: String,
        version: Int = 1,
        configuration: Configuration = .defaults,
        @WorkflowStepsBuilder steps: () -> [StepDefinition]
    ) {
        self.init(type: type, version: version, configuration: configuration, steps: steps())
    }

    public init(type: String, version: Int = 1, configuration: Configuration = .defaults, steps: [StepDefinition]) {
        self.type = type
        self.version = version
        self.steps = steps
        self.configuration = configuration
        self.allSteps = steps.flatMap { [$0] + $0.branches }
        self.positions = Dictionary(allSteps.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// This definition with its input checked at start: an input that does not decode as
    /// `type` is refused (`invalidArgument`) before any workflow is created.
    public func input<Input: Decodable>(_ type: Input.Type) -> WorkflowDefinition {
        var definition = self
        definition.input = WorkflowInputType(type)
        return definition
    }

    public func index(of step: String) -> Int? {
        steps.firstIndex { $0.name == step }
    }

    /// Any step by name, parallel branches included.
    public func step(named name: String) -> StepDefinition? {
        positions[name].map { allSteps[$0] }
    }

    /// Checks that the definition can run: a type name, at least one step, unique step names.
    ///
    /// - Throws: ``WorkflowError`` with code `invalidArgument`.
    public func validate() throws(WorkflowError) {
        guard !type.isEmpty else {
            throw WorkflowError(code: .invalidArgument, message: "a workflow definition needs a type name")
        }
        guard !steps.isEmpty else {
            throw WorkflowError(code: .invalidArgument, message: "workflow '\(type)' v\(version) has no steps")
        }
        var seen = Set<String>()
        for group in steps where group.kindName == "parallel" {
            guard !group.branches.isEmpty, group.branches.allSatisfy({ $0.kindName == "call" }) else {
                throw WorkflowError(
                    code: .invalidArgument,
                    message: "workflow '\(type)' v\(version): parallel group '\(group.name)' needs one or more call steps"
                )
            }
        }
        for step in allSteps {
            guard !step.name.isEmpty, seen.insert(step.name).inserted else {
                throw WorkflowError(
                    code: .invalidArgument,
                    message: "workflow '\(type)' v\(version): step name '\(step.name)' is empty or repeated"
                )
            }
        }
    }
}

/// The type a definition's input must decode as (``WorkflowDefinition/input(_:)``).
public struct WorkflowInputType: Sendable {
    /// The type's name, for messages and descriptions.
    public let name: String
    private let decoding: any InputDecoding

    public init<Input: Decodable>(_ type: Input.Type) {
        name = String(describing: type)
        decoding = Decoding<Input>()
    }

    /// Throws the decoding error when `value` is not an input of this type.
    public func check(_ value: WorkflowValue) throws {
        try decoding.check(value)
    }
}

private protocol InputDecoding: Sendable {
    func check(_ value: WorkflowValue) throws
}

/// Decodes as `Input` (and validates it, when it is a ``ValidatedInput``); holds no value of it,
/// only its type.
private struct Decoding<Input: Decodable>: InputDecoding {
    func check(_ value: WorkflowValue) throws {
        let input = try value.decode(Input.self)
        if let input = input as? any ValidatedInput {
            do { try input.validate() } catch { throw InvalidInput(reason: String(describing: error)) }
        }
    }
}

/// An input that checks its values beyond their shape (an order needs lines, …):
/// ``WorkflowDefinition/input(_:)`` runs ``validate()`` too when a workflow starts.
public protocol ValidatedInput {
    func validate() throws
}

/// An input that decoded but failed its own ``ValidatedInput/validate()``.
struct InvalidInput: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}
