/// Replenishment: forecasts demand from sales history and answers the reorder point and what to
/// order now, given lead time, review period and safety stock.
public struct ReplenishmentForecastCoordinator: Sendable {
    let salesHistory: any SalesHistory
    let stock: any StockLevels
    let purchaseOrders: any PurchaseOrders

    public init(salesHistory: any SalesHistory, stock: any StockLevels, purchaseOrders: any PurchaseOrders) {
        self.salesHistory = salesHistory
        self.stock = stock
        self.purchaseOrders = purchaseOrders
    }

    /// Reads the history, the stock level and the open purchase orders into the request's
    /// warehouse, and answers ``suggest(_:history:inventoryPosition:)``.
    ///
    /// - Throws: ``SupplyChainError`` from the contracts, or `invalidArgument` for a bad request.
    public func forecast(_ request: ReplenishmentRequest) async throws -> ReplenishmentSuggestion {
        let history = try await salesHistory.demand(sku: request.sku, warehouseID: request.warehouseID, periods: request.historyPeriods)
        let level = try await stock.stockLevels(sku: request.sku).first { $0.warehouseID == request.warehouseID }
        let onOrder = try await purchaseOrders.openPurchaseOrders(sku: request.sku)
            .filter { $0.request.warehouseID == request.warehouseID }
            .flatMap(\.request.lines)
            .filter { $0.sku == request.sku }
            .reduce(0) { $0 + $1.quantity }
        return try Self.suggest(request, history: history, inventoryPosition: (level?.available ?? 0) + onOrder)
    }

    /// Forecast demand per period from `history` (oldest first); 0 without history.
    ///
    /// - Throws: ``SupplyChainError`` `invalidArgument` for a moving average over fewer than one
    ///   period or a smoothing factor outside (0, 1].
    public static func demandPerPeriod(_ history: [Int64], method: ForecastMethod) throws(SupplyChainError) -> Double {
        switch method {
        case .movingAverage(let periods):
            guard periods > 0 else { throw SupplyChainError(.invalidArgument, "a moving average needs one or more periods") }
            let window = history.suffix(periods)
            return window.isEmpty ? 0 : Double(window.reduce(0, +)) / Double(window.count)
        case .exponentialSmoothing(let alpha):
            guard alpha > 0, alpha <= 1 else { throw SupplyChainError(.invalidArgument, "the smoothing factor must be in (0, 1]") }
            guard let first = history.first else { return 0 }
            return history.dropFirst().reduce(Double(first)) { level, demand in alpha * Double(demand) + (1 - alpha) * level }
        }
    }

    /// The pure calculation: reorder point `⌈d × L⌉ + SS`, order-up-to level `⌈d × (L + R)⌉ + SS`,
    /// and, when the inventory position is at or below the reorder point, the quantity up to the
    /// order-up-to level rounded up to the order multiple.
    ///
    /// - Throws: ``SupplyChainError`` `invalidArgument` for negative lead time, review period or
    ///   safety stock, or an order multiple below 1.
    public static func suggest(_ request: ReplenishmentRequest, history: [Int64], inventoryPosition: Int64) throws(SupplyChainError) -> ReplenishmentSuggestion {
        guard request.leadTimePeriods >= 0, request.reviewPeriods >= 0, request.safetyStock >= 0, request.orderMultiple >= 1 else {
            throw SupplyChainError(.invalidArgument, "lead time, review period and safety stock must not be negative; the order multiple must be positive")
        }
        let demand = try demandPerPeriod(history, method: request.method)
        func cover(_ periods: Int) -> Int64 {
            Int64((demand * Double(periods) - 1e-9).rounded(.up)) + request.safetyStock
        }
        let reorderPoint = cover(request.leadTimePeriods)
        let orderUpTo = cover(request.leadTimePeriods + request.reviewPeriods)
        var quantity: Int64 = 0
        if inventoryPosition <= reorderPoint {
            let needed = max(0, orderUpTo - inventoryPosition)
            quantity = (needed + request.orderMultiple - 1) / request.orderMultiple * request.orderMultiple
        }
        return ReplenishmentSuggestion(
            sku: request.sku,
            warehouseID: request.warehouseID,
            demandPerPeriod: demand,
            reorderPoint: reorderPoint,
            orderUpToLevel: orderUpTo,
            inventoryPosition: inventoryPosition,
            suggestedQuantity: quantity
        )
    }
}
