import BatonWorkflow

/// What went wrong in an identity operation: a refusal (unknown user, disabled user, not a
/// member of the tenant, MFA not satisfied, a wrong code) or a service that could not answer.
///
/// Contract implementations and coordinators throw it; a workflow step turns it into a
/// ``StepError`` whose code tells the engine whether to retry (`UNAVAILABLE`,
/// `DEADLINE_EXCEEDED`) or to compensate at once.
public struct IdentityOperationsError: Error, StepErrorConvertible, Sendable, CustomStringConvertible {
    /// An extensible error code; each code is classified as one ``StepError/Code``.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        /// How a step failing with this code is classified by the engine's retry policy.
        public let stepCode: StepError.Code

        public init(_ name: String, classifiedAs stepCode: StepError.Code) {
            self.name = name
            self.stepCode = stepCode
        }

        /// A user, tenant, membership, session or challenge does not exist.
        public static let notFound = Code("NOT_FOUND", classifiedAs: .notFound)
        /// The email or membership already exists (created under another idempotency key).
        public static let alreadyExists = Code("ALREADY_EXISTS", classifiedAs: .alreadyExists)
        /// The user is disabled.
        public static let userDisabled = Code("USER_DISABLED", classifiedAs: .failedPrecondition)
        /// The user is not a member of the tenant.
        public static let notAMember = Code("NOT_A_MEMBER", classifiedAs: .permissionDenied)
        /// The user has MFA and no valid code was given.
        public static let mfaRequired = Code("MFA_REQUIRED", classifiedAs: .permissionDenied)
        /// A verification code does not match the challenge.
        public static let invalidCode = Code("INVALID_CODE", classifiedAs: .failedPrecondition)
        /// An undo was asked for something already undone under another key.
        public static let alreadyUndone = Code("ALREADY_UNDONE", classifiedAs: .failedPrecondition)
        /// The request is malformed.
        public static let invalidArgument = Code("INVALID_ARGUMENT", classifiedAs: .invalidArgument)
        /// The service could not be reached; trying again may work.
        public static let unavailable = Code("UNAVAILABLE", classifiedAs: .unavailable)
        /// The service did not answer in time; trying again may work.
        public static let timeout = Code("DEADLINE_EXCEEDED", classifiedAs: .deadlineExceeded)

        public var description: String { name }
    }

    public var code: Code
    public var message: String
    /// What led to this error, e.g. the ``CoordinatorFailure`` saying which steps were undone.
    public var cause: (any Error)?

    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { "\(code.name): \(message)" }

    /// The step failure this error stands for, classified for the engine's retry policy.
    public var stepError: StepError { StepError(code.stepCode, description) }
}
