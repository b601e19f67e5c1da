extension SupplyChainOperationsOrchestrator {
    /// Time-phased available-to-promise; see ``AvailableToPromiseCoordinator``.
    public func availableToPromise(sku: String, asOf: CalendarDay, warehouseID: String? = nil) async throws -> AvailableToPromise {
        try await AvailableToPromiseCoordinator(stock: services.stock, purchaseOrders: services.purchaseOrders)
            .availableToPromise(sku: sku, asOf: asOf, warehouseID: warehouseID)
    }

    /// Allocates and posts landed costs; see ``LandedCostCoordinator``.
    public func landedCost(_ request: LandedCostRequest, idempotencyKey: String) async throws -> LandedCostResult {
        logger.debug("landed cost", metadata: ["receipt": "\(request.receiptID)", "charges": "\(request.charges.count)"])
        return try await LandedCostCoordinator(valuation: services.valuation).capitalize(request, idempotencyKey: idempotencyKey)
    }

    /// Forecasts demand and suggests a replenishment; see ``ReplenishmentForecastCoordinator``.
    public func replenishmentForecast(_ request: ReplenishmentRequest) async throws -> ReplenishmentSuggestion {
        try await ReplenishmentForecastCoordinator(salesHistory: services.salesHistory, stock: services.stock, purchaseOrders: services.purchaseOrders)
            .forecast(request)
    }

    /// Plans and executes transfers towards the targets; see ``WarehouseBalancingCoordinator``.
    public func balanceWarehouses(_ request: BalancingRequest, idempotencyKey: String) async throws -> BalancingResult {
        logger.debug("warehouse balancing", metadata: ["sku": "\(request.sku)"])
        return try await WarehouseBalancingCoordinator(stock: services.stock, transfers: services.transfers).balance(request, idempotencyKey: idempotencyKey)
    }
}
