import BatonWorkflow

/// What went wrong in order fulfilment: a business refusal (insufficient stock, a declined
/// payment, an unknown order) or a service that could not answer.
///
/// Contract implementations throw it; a workflow step turns it into a ``StepError`` whose code
/// tells the engine whether to retry (`UNAVAILABLE`, `DEADLINE_EXCEEDED`) or to compensate at
/// once (`FAILED_PRECONDITION`, `NOT_FOUND`, `INVALID_ARGUMENT`).
public struct OrderFulfillmentError: Error, StepErrorConvertible, Sendable, Hashable, CustomStringConvertible {
    /// An extensible error code; each code is classified as one ``StepError/Code``.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        /// How a step failing with this code is classified by the engine's retry policy.
        public let stepCode: StepError.Code

        public init(_ name: String, classifiedAs stepCode: StepError.Code) {
            self.name = name
            self.stepCode = stepCode
        }

        /// Not enough stock to reserve every line.
        public static let insufficientStock = Code("INSUFFICIENT_STOCK", classifiedAs: .failedPrecondition)
        /// The payment provider refused the charge.
        public static let paymentDeclined = Code("PAYMENT_DECLINED", classifiedAs: .failedPrecondition)
        /// An undo was asked for something already undone under another key.
        public static let alreadyUndone = Code("ALREADY_UNDONE", classifiedAs: .failedPrecondition)
        /// A product, reservation, payment or delivery does not exist.
        public static let notFound = Code("NOT_FOUND", classifiedAs: .notFound)
        /// The request is malformed (no lines, a non-positive quantity, …).
        public static let invalidArgument = Code("INVALID_ARGUMENT", classifiedAs: .invalidArgument)
        /// The service could not be reached; trying again may work.
        public static let unavailable = Code("UNAVAILABLE", classifiedAs: .unavailable)
        /// The service did not answer in time; trying again may work.
        public static let timeout = Code("DEADLINE_EXCEEDED", classifiedAs: .deadlineExceeded)

        public var description: String { name }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.name): \(message)" }

    /// The step failure this error stands for, classified for the engine's retry policy.
    public var stepError: StepError { StepError(code.stepCode, description) }
}
