/// Available-to-promise: what can be promised for delivery, day by day, from stock on hand minus
/// reservations plus the open purchase orders on the days they are expected.
public struct AvailableToPromiseCoordinator: Sendable {
    let stock: any StockLevels
    let purchaseOrders: any PurchaseOrders

    public init(stock: any StockLevels, purchaseOrders: any PurchaseOrders) {
        self.stock = stock
        self.purchaseOrders = purchaseOrders
    }

    /// Reads the stock levels and open purchase orders of `sku` (in `warehouseID`, or in every
    /// warehouse) and answers the time-phased ATP as of `asOf`. Dropship purchase orders (no
    /// receiving warehouse) and orders without an expected day are not supply.
    ///
    /// - Throws: ``SupplyChainError`` from the contracts.
    public func availableToPromise(sku: String, asOf: CalendarDay, warehouseID: String? = nil) async throws -> AvailableToPromise {
        let levels = try await stock.stockLevels(sku: sku).filter { warehouseID == nil || $0.warehouseID == warehouseID }
        let incoming = try await purchaseOrders.openPurchaseOrders(sku: sku).flatMap { order -> [IncomingSupply] in
            guard let receivingWarehouse = order.request.warehouseID, let day = order.request.expectedOn,
                warehouseID == nil || receivingWarehouse == warehouseID
            else { return [] }
            return order.request.lines.filter { $0.sku == sku }.map { IncomingSupply(day: day, quantity: $0.quantity) }
        }
        return Self.timePhased(sku: sku, asOf: asOf, levels: levels, incoming: incoming)
    }

    /// The pure calculation: the first bucket is `asOf` with on hand − reserved plus any supply
    /// due on or before it; each later expected day adds its supply to the running total.
    public static func timePhased(sku: String, asOf: CalendarDay, levels: [StockLevel], incoming: [IncomingSupply]) -> AvailableToPromise {
        let onHand = levels.reduce(0) { $0 + $1.onHand }
        let reserved = levels.reduce(0) { $0 + $1.reserved }
        var byDay: [CalendarDay: Int64] = [:]
        for supply in incoming {
            byDay[max(supply.day, asOf), default: 0] += supply.quantity
        }
        let dueNow = byDay.removeValue(forKey: asOf) ?? 0
        var running = onHand - reserved + dueNow
        var buckets = [AvailableToPromiseBucket(day: asOf, incoming: dueNow, available: running)]
        for day in byDay.keys.sorted() {
            running += byDay[day]!
            buckets.append(AvailableToPromiseBucket(day: day, incoming: byDay[day]!, available: running))
        }
        return AvailableToPromise(sku: sku, asOf: asOf, onHand: onHand, reserved: reserved, buckets: buckets)
    }
}
