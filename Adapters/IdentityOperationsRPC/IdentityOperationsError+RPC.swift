import BatonRPCAdapterSupport
import BatonWorkflow
import IdentityOperations

extension IdentityOperationsError.Code: AtomicErrorCode {
    public init(unlisted name: String, classifiedAs stepCode: StepError.Code) {
        self.init(name, classifiedAs: stepCode)
    }
}

/// How IdentityOperations' errors travel as gRPC statuses, in both directions (see
/// ``AtomicStatusError``): the reference services send them this way and the RPC adapter reads
/// them back.
///
/// | error code | gRPC status | `baton-error-reason` |
/// | --- | --- | --- |
/// | USER_DISABLED, INVALID_CODE, ALREADY_UNDONE | FAILED_PRECONDITION | the code's name |
/// | NOT_FOUND, ALREADY_EXISTS, INVALID_ARGUMENT, UNAVAILABLE, DEADLINE_EXCEEDED, any other | the status of that name | — |
extension IdentityOperationsError: AtomicStatusError {
    public static let refusals: [Code] = [.userDisabled, .invalidCode, .alreadyUndone]
    public static let statuses: [Code] = [.notFound, .alreadyExists, .invalidArgument, .unavailable, .timeout]

    public init(atomic code: Code, message: String) {
        self.init(code, message)
    }
}
