import BatonAtomicAPI
import BatonRPC
import BatonWorkflow
import OrderFulfillment

/// How OrderFulfillment's errors travel as gRPC statuses, in both directions: the reference
/// services send them this way and the RPC adapter reads them back.
///
/// | error code | gRPC status | `baton-error-reason` |
/// | --- | --- | --- |
/// | INSUFFICIENT_STOCK, PAYMENT_DECLINED, ALREADY_UNDONE | FAILED_PRECONDITION | the code's name |
/// | NOT_FOUND, INVALID_ARGUMENT, UNAVAILABLE, DEADLINE_EXCEEDED, any other | the status of that name | — |
///
/// Read back, UNAVAILABLE and DEADLINE_EXCEEDED stay retryable (``OrderFulfillmentError/Code/unavailable``,
/// ``OrderFulfillmentError/Code/timeout``); a status outside the table keeps its gRPC name and
/// is classified as the engine's step code of that name.
extension OrderFulfillmentError {
    /// Business refusals: sent as FAILED_PRECONDITION with the code's name as the reason.
    static let refusals: [OrderFulfillmentError.Code] = [.insufficientStock, .paymentDeclined, .alreadyUndone]

    /// This error as the gRPC status a service answers with.
    public var rpcError: RPCError {
        if Self.refusals.contains(code) {
            return RPCError(code: .failedPrecondition, message: message, metadata: [AtomicMetadata.errorReason: .string(code.name)])
        }
        let status = AtomicMetadata.statusCode(named: code.stepCode.name) ?? .unknown
        return RPCError(code: status, message: message)
    }

    /// The error a gRPC status a service answered with stands for.
    public init(_ error: RPCError) {
        let known: [OrderFulfillmentError.Code] = [.notFound, .invalidArgument, .unavailable, .timeout]
        let code: Code
        if error.code == .failedPrecondition {
            let reason = error.metadata[string: AtomicMetadata.errorReason]
            code = Self.refusals.first { $0.name == reason } ?? Code(error.code.description, classifiedAs: .failedPrecondition)
        } else {
            code = known.first { $0.stepCode.name == error.code.description }
                ?? Code(error.code.description, classifiedAs: StepError.Code(error.code.description))
        }
        self.init(code, error.message)
    }

    /// The error a fault-injection code name stands for: a gRPC status name (`UNAVAILABLE`) or
    /// a refusal's name (`PAYMENT_DECLINED`); nil for neither.
    public init?(injecting name: String, message: String) {
        if let refusal = Self.refusals.first(where: { $0.name == name.uppercased() }) {
            self.init(refusal, message)
        } else if let status = AtomicMetadata.statusCode(named: name) {
            self.init(RPCError(code: status, message: message))
        } else {
            return nil
        }
    }
}
