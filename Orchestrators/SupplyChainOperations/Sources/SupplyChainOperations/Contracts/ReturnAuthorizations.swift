/// The returns service: return merchandise authorizations (RMAs) and their inspection.
///
/// Every method throws ``SupplyChainError``; `unavailable` and `timedOut` may be retried with the
/// same idempotency key. A mutating call repeated with an idempotency key already used for that
/// call returns the first call's result and has no second effect.
public protocol ReturnAuthorizations: Sendable {
    /// Authorizes a customer to send goods back.
    ///
    /// - Throws: `notFound` for an unknown sales order; `invalidArgument` when there are no lines
    ///   or a quantity is not positive.
    func authorizeReturn(_ request: ReturnAuthorizationRequest, idempotencyKey: String) async throws -> ReturnAuthorization

    /// Cancels an authorization; cancelling a cancelled one answers it unchanged.
    ///
    /// - Throws: `notFound` for an unknown authorization.
    func cancelReturn(id: String, idempotencyKey: String) async throws -> ReturnAuthorization

    /// Records the inspection of received goods and decides their disposition: resellable goods
    /// are restocked, damaged or defective ones scrapped.
    ///
    /// - Throws: `notFound` for an unknown authorization; `failedPrecondition` when it is cancelled.
    func recordInspection(returnID: String, condition: ItemCondition, idempotencyKey: String) async throws -> Inspection

    /// - Throws: `notFound` for an unknown authorization.
    func returnAuthorization(id: String) async throws -> ReturnAuthorization
}
