/// The sales analytics service: past demand, per period (a week, a month — the service's choice).
///
/// Every method throws ``SupplyChainError``; `unavailable` and `timedOut` may be retried.
public protocol SalesHistory: Sendable {
    /// The demand of `sku` shipped from `warehouseID` in the last `periods` complete periods,
    /// oldest first. Fewer values come back when less history exists; none for an unknown item.
    ///
    /// - Throws: `invalidArgument` when `periods` is not positive.
    func demand(sku: String, warehouseID: String, periods: Int) async throws -> [Int64]
}
