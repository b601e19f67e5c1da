/// The error a step throws to tell the engine how its failure should be classified.
///
/// Codes follow gRPC's status names so an adapter can pass an atomic service's status through.
/// Any other error a step throws is classified as ``Code/unknown``.
public struct StepError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, Codable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }

        public static let unknown = Code("UNKNOWN")
        public static let unavailable = Code("UNAVAILABLE")
        public static let deadlineExceeded = Code("DEADLINE_EXCEEDED")
        public static let resourceExhausted = Code("RESOURCE_EXHAUSTED")
        public static let aborted = Code("ABORTED")
        public static let invalidArgument = Code("INVALID_ARGUMENT")
        public static let failedPrecondition = Code("FAILED_PRECONDITION")
        public static let notFound = Code("NOT_FOUND")
        public static let alreadyExists = Code("ALREADY_EXISTS")
        public static let permissionDenied = Code("PERMISSION_DENIED")
        public static let internalError = Code("INTERNAL")
        public static let cancelled = Code("CANCELLED")

        public var description: String { name }

        public init(from decoder: any Decoder) throws {
            self.name = try decoder.singleValueContainer().decode(String.self)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(name)
        }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String = "") {
        self.code = code
        self.message = message
    }

    public var description: String { message.isEmpty ? code.name : "\(code.name): \(message)" }

    /// Classifies any error thrown by a step.
    public init(classifying error: any Error) {
        if let error = error as? StepError {
            self = error
        } else if let error = error as? any StepErrorConvertible {
            self = error.stepError
        } else if error is CancellationError {
            self = StepError(.cancelled, "step was cancelled")
        } else {
            self = StepError(.unknown, String(describing: error))
        }
    }
}

/// An error that knows how the engine should classify it: an orchestrator's own error type
/// conforms so that a step may throw it directly and still be retried (or not) correctly.
public protocol StepErrorConvertible: Error {
    var stepError: StepError { get }
}
