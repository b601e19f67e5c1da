import BatonRPCAdapterSupport
import BatonWorkflow
import OrderFulfillment

extension OrderFulfillmentError.Code: AtomicErrorCode {
    public init(unlisted name: String, classifiedAs stepCode: StepError.Code) {
        self.init(name, classifiedAs: stepCode)
    }
}

/// How OrderFulfillment's errors travel as gRPC statuses, in both directions (see
/// ``AtomicStatusError``): the reference services send them this way and the RPC adapter reads
/// them back.
///
/// | error code | gRPC status | `baton-error-reason` |
/// | --- | --- | --- |
/// | INSUFFICIENT_STOCK, PAYMENT_DECLINED, ALREADY_UNDONE | FAILED_PRECONDITION | the code's name |
/// | NOT_FOUND, INVALID_ARGUMENT, UNAVAILABLE, DEADLINE_EXCEEDED, any other | the status of that name | — |
extension OrderFulfillmentError: AtomicStatusError {
    public static let refusals: [Code] = [.insufficientStock, .paymentDeclined, .alreadyUndone]
    public static let statuses: [Code] = [.notFound, .invalidArgument, .unavailable, .timeout]

    public init(atomic code: Code, message: String) {
        self.init(code, message)
    }
}
