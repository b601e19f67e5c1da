/// The inventory valuation (costing) service: capitalised costs on received goods.
///
/// Every method throws ``SupplyChainError``; `unavailable` and `timedOut` may be retried with the
/// same idempotency key. A call repeated with an idempotency key already used for that call
/// returns the first call's result and posts nothing more.
public protocol InventoryValuation: Sendable {
    /// Posts one charge's allocation onto the receipt's lines.
    ///
    /// - Throws: `invalidArgument` when the allocation does not have one amount per line or its
    ///   amounts do not add up to the charge.
    func postValuation(_ posting: ValuationPosting, idempotencyKey: String) async throws -> ValuationEntry

    /// Reverses a posted entry. Reversing a reversed entry answers it unchanged.
    ///
    /// - Throws: `notFound` for an unknown entry.
    func reverseValuation(id: String, idempotencyKey: String) async throws -> ValuationEntry
}
