/// The sales service: customer orders.
///
/// Every method throws ``SupplyChainError``; `unavailable` and `timedOut` may be retried with the
/// same idempotency key. A mutating call repeated with an idempotency key already used for that
/// call returns the first call's result and has no second effect.
public protocol SalesOrders: Sendable {
    /// Creates an open sales order.
    ///
    /// - Throws: `invalidArgument` when there are no lines, a quantity is not positive or a price is negative.
    func createSalesOrder(_ request: SalesOrderRequest, idempotencyKey: String) async throws -> SalesOrder

    /// Cancels a sales order; cancelling a cancelled order answers it unchanged.
    ///
    /// - Throws: `notFound` for an unknown order.
    func cancelSalesOrder(id: String, idempotencyKey: String) async throws -> SalesOrder

    /// - Throws: `notFound` for an unknown order.
    func salesOrder(id: String) async throws -> SalesOrder
}
