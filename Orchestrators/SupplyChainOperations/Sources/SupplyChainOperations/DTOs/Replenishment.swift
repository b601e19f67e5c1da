/// How future demand per period is estimated from past demand.
public enum ForecastMethod: Sendable, Codable, Hashable {
    /// The mean of the last `periods` periods.
    case movingAverage(periods: Int)
    /// Simple exponential smoothing: `level = alpha × demand + (1 − alpha) × level`, seeded with
    /// the first period's demand; the forecast is the final level.
    case exponentialSmoothing(alpha: Double)
}

/// A replenishment question for one item in one warehouse.
public struct ReplenishmentRequest: Sendable, Codable, Hashable {
    public var sku: String
    public var warehouseID: String
    public var method: ForecastMethod
    /// How many periods of history to read.
    public var historyPeriods: Int
    /// Periods between ordering and receiving.
    public var leadTimePeriods: Int
    /// Periods between two reviews; the order covers lead time plus one review period.
    public var reviewPeriods: Int
    /// Stock kept against forecast error.
    public var safetyStock: Int64
    /// Suggested quantities are rounded up to a multiple of this (a case or pallet size).
    public var orderMultiple: Int64

    public init(
        sku: String,
        warehouseID: String,
        method: ForecastMethod,
        historyPeriods: Int,
        leadTimePeriods: Int,
        reviewPeriods: Int = 1,
        safetyStock: Int64,
        orderMultiple: Int64 = 1
    ) {
        self.sku = sku
        self.warehouseID = warehouseID
        self.method = method
        self.historyPeriods = historyPeriods
        self.leadTimePeriods = leadTimePeriods
        self.reviewPeriods = reviewPeriods
        self.safetyStock = safetyStock
        self.orderMultiple = orderMultiple
    }
}

/// The replenishment answer.
public struct ReplenishmentSuggestion: Sendable, Codable, Hashable {
    public var sku: String
    public var warehouseID: String
    /// Forecast demand per period.
    public var demandPerPeriod: Double
    /// `⌈demand × lead time⌉ + safety stock`: order when the inventory position is at or below it.
    public var reorderPoint: Int64
    /// `⌈demand × (lead time + review)⌉ + safety stock`: what an order brings the position up to.
    public var orderUpToLevel: Int64
    /// On hand − reserved + open purchase orders.
    public var inventoryPosition: Int64
    /// What to order now (0 when the position is above the reorder point), rounded up to the order multiple.
    public var suggestedQuantity: Int64

    public init(
        sku: String,
        warehouseID: String,
        demandPerPeriod: Double,
        reorderPoint: Int64,
        orderUpToLevel: Int64,
        inventoryPosition: Int64,
        suggestedQuantity: Int64
    ) {
        self.sku = sku
        self.warehouseID = warehouseID
        self.demandPerPeriod = demandPerPeriod
        self.reorderPoint = reorderPoint
        self.orderUpToLevel = orderUpToLevel
        self.inventoryPosition = inventoryPosition
        self.suggestedQuantity = suggestedQuantity
    }
}
