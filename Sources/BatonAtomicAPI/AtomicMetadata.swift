import BatonRPC

/// The metadata names the atomic services and their clients agree on, beyond gRPC's own.
public enum AtomicMetadata {
    /// Trailing metadata of a `FAILED_PRECONDITION` status: the machine-readable reason of a
    /// business refusal, one of ``Reason``.
    public static let errorReason = "baton-error-reason"
    /// Request metadata: the id that ties a call to the business process it belongs to
    /// (for OrderFulfillment, the order id). Services log it; they never act on it.
    public static let correlationID = "x-correlation-id"
    /// Request metadata honoured by the reference services: fail this call with the named gRPC
    /// status code (e.g. `UNAVAILABLE`) before it has any effect.
    public static let fault = "x-baton-fault"
    /// Request metadata honoured by the reference services: delay this call by this many
    /// milliseconds before it takes effect.
    public static let latencyMilliseconds = "x-baton-latency-ms"

    /// Values of ``errorReason``.
    public enum Reason {
        /// Not enough stock to reserve every line.
        public static let insufficientStock = "INSUFFICIENT_STOCK"
        /// The payment provider refused the charge.
        public static let paymentDeclined = "PAYMENT_DECLINED"
        /// An undo (release, refund, cancel) of something already undone under another key.
        public static let alreadyUndone = "ALREADY_UNDONE"
    }
}

extension AtomicMetadata {
    /// The gRPC status code with the upper-case name `name` (e.g. `UNAVAILABLE`), nil for an
    /// unknown name or `OK`.
    public static func statusCode(named name: String) -> RPCError.Code? {
        let wanted = name.uppercased()
        return (1...16).lazy.compactMap { RPCError.Code(rawValue: $0) }.first { $0.description == wanted }
    }
}
