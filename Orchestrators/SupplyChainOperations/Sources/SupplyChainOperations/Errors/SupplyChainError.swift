import BatonWorkflow

/// The error every SupplyChainOperations contract throws: a business refusal (not found,
/// insufficient stock, an invalid request, a state that does not allow the call) or a transient
/// failure of the service behind the contract (unavailable, timed out).
///
/// ``stepError`` classifies it for the engine: refusals are not retried, transient failures are.
public struct SupplyChainError: Error, StepErrorConvertible, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong; extensible, compared by name.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        /// The engine's classification of this code.
        public let stepCode: StepError.Code

        public init(_ name: String, stepCode: StepError.Code) {
            self.name = name
            self.stepCode = stepCode
        }

        /// The entity (order, warehouse, vendor, return, …) does not exist.
        public static let notFound = Code("NOT_FOUND", stepCode: .notFound)
        /// Not enough available stock (on hand minus reserved) for the movement.
        public static let insufficientStock = Code("INSUFFICIENT_STOCK", stepCode: .failedPrecondition)
        /// The request itself is malformed (empty lines, non-positive quantity, …).
        public static let invalidArgument = Code("INVALID_ARGUMENT", stepCode: .invalidArgument)
        /// The entity's state does not allow the call (invoicing a cancelled order, …).
        public static let failedPrecondition = Code("FAILED_PRECONDITION", stepCode: .failedPrecondition)
        /// The service could not be reached; the call may be retried with the same idempotency key.
        public static let unavailable = Code("UNAVAILABLE", stepCode: .unavailable)
        /// The service did not answer in time; the call may be retried with the same idempotency key.
        public static let timedOut = Code("DEADLINE_EXCEEDED", stepCode: .deadlineExceeded)

        public var description: String { name }

        public static func == (lhs: Code, rhs: Code) -> Bool { lhs.name == rhs.name }
        public func hash(into hasher: inout Hasher) { hasher.combine(name) }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.name): \(message)" }

    /// The engine's view of this error: refusals are non-retryable (`NOT_FOUND`,
    /// `FAILED_PRECONDITION`, `INVALID_ARGUMENT`), transient failures retryable
    /// (`UNAVAILABLE`, `DEADLINE_EXCEEDED`).
    public var stepError: StepError { StepError(code.stepCode, "\(code.name): \(message)") }

    /// Whether retrying the same call (same idempotency key) may succeed.
    public var isTransient: Bool { RetryPolicy.defaultRetryableCodes.contains(code.stepCode) }
}
