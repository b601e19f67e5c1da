/// The inventory service: stock levels per warehouse, and movements that are not transfers.
///
/// Every method throws ``SupplyChainError``; `unavailable` and `timedOut` may be retried with the
/// same idempotency key. A mutating call repeated with an idempotency key already used for that
/// call returns the first call's result and has no second effect.
public protocol StockLevels: Sendable {
    /// The stock of `sku` in every warehouse that holds a level for it, by warehouse id.
    /// An unknown sku has no levels (an empty answer, not an error).
    func stockLevels(sku: String) async throws -> [StockLevel]

    /// Records a restock (adds every line to on hand) or a scrap (a write-off record; on hand
    /// unchanged), all lines or none.
    ///
    /// - Throws: `notFound` for an unknown warehouse; `invalidArgument` for no lines or a
    ///   non-positive quantity.
    func recordMovement(_ request: StockMovementRequest, idempotencyKey: String) async throws -> StockMovement

    /// Undoes a movement, all lines or none: a restock's quantities leave on hand again.
    /// Reversing a reversed movement answers it unchanged.
    ///
    /// - Throws: `notFound` for an unknown movement; `insufficientStock` when a restocked
    ///   quantity is no longer available.
    func reverseMovement(id: String, idempotencyKey: String) async throws -> StockMovement
}
