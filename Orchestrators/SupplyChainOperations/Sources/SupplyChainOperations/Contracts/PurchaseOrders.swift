/// The procurement service: purchase orders to vendors, including dropship orders.
///
/// Every method throws ``SupplyChainError``; `unavailable` and `timedOut` may be retried with the
/// same idempotency key. A mutating call repeated with an idempotency key already used for that
/// call returns the first call's result and has no second effect.
public protocol PurchaseOrders: Sendable {
    /// Places an open purchase order with a vendor.
    ///
    /// - Throws: `notFound` for an unknown vendor; `invalidArgument` when there are no lines or a
    ///   quantity is not positive or a price is negative.
    func createPurchaseOrder(_ request: PurchaseOrderRequest, idempotencyKey: String) async throws -> PurchaseOrder

    /// Cancels a purchase order; cancelling a cancelled order answers it unchanged.
    ///
    /// - Throws: `notFound` for an unknown order.
    func cancelPurchaseOrder(id: String, idempotencyKey: String) async throws -> PurchaseOrder

    /// - Throws: `notFound` for an unknown order.
    func purchaseOrder(id: String) async throws -> PurchaseOrder

    /// The open purchase orders with a line for `sku`, oldest first.
    func openPurchaseOrders(sku: String) async throws -> [PurchaseOrder]
}
