import SupplyChainOperations
import SupplyChainOperationsInMemory
import Testing

@Suite("ReplenishmentForecast coordinator")
struct ReplenishmentForecastTests {
    @Test("moving average and exponential smoothing give the stated demand per period")
    func forecastMethods() throws {
        let history: [Int64] = [10, 20, 30, 40]
        #expect(try ReplenishmentForecastCoordinator.demandPerPeriod(history, method: .movingAverage(periods: 3)) == 30)
        #expect(try ReplenishmentForecastCoordinator.demandPerPeriod(history, method: .movingAverage(periods: 10)) == 25)
        #expect(try ReplenishmentForecastCoordinator.demandPerPeriod(history, method: .exponentialSmoothing(alpha: 0.5)) == 31.25)
        #expect(try ReplenishmentForecastCoordinator.demandPerPeriod(history, method: .exponentialSmoothing(alpha: 1)) == 40)
        #expect(try ReplenishmentForecastCoordinator.demandPerPeriod([], method: .movingAverage(periods: 3)) == 0)
        #expect(throws: SupplyChainError.self) { try ReplenishmentForecastCoordinator.demandPerPeriod(history, method: .movingAverage(periods: 0)) }
        #expect(throws: SupplyChainError.self) { try ReplenishmentForecastCoordinator.demandPerPeriod(history, method: .exponentialSmoothing(alpha: 0)) }
    }

    static func request(_ method: ForecastMethod, safetyStock: Int64 = 15, multiple: Int64 = 12) -> ReplenishmentRequest {
        ReplenishmentRequest(
            sku: "WIDGET", warehouseID: "WH-A", method: method, historyPeriods: 4,
            leadTimePeriods: 2, reviewPeriods: 1, safetyStock: safetyStock, orderMultiple: multiple
        )
    }

    @Test(
        "reorder point and order-up-to level from demand, lead time, review period and safety stock",
        arguments: [
            (Int64(50), Int64(60)),  // at/below ROP 75: up to 105 needs 55, rounded to 60
            (75, 36),  // exactly at the reorder point: 30 rounded up to 36
            (76, 0),  // above the reorder point: nothing
        ]
    )
    func suggestion(_ position: Int64, _ quantity: Int64) throws {
        let suggestion = try ReplenishmentForecastCoordinator.suggest(Self.request(.movingAverage(periods: 3)), history: [10, 20, 30, 40], inventoryPosition: position)
        #expect(suggestion.demandPerPeriod == 30)
        #expect(suggestion.reorderPoint == 75)
        #expect(suggestion.orderUpToLevel == 105)
        #expect(suggestion.suggestedQuantity == quantity)
    }

    @Test("fractional demand rounds cover up")
    func fractionalDemand() throws {
        let suggestion = try ReplenishmentForecastCoordinator.suggest(
            Self.request(.exponentialSmoothing(alpha: 0.5), safetyStock: 10, multiple: 1), history: [10, 20, 30, 40], inventoryPosition: 0)
        #expect(suggestion.reorderPoint == 73)  // ⌈31.25 × 2⌉ + 10
        #expect(suggestion.orderUpToLevel == 104)  // ⌈31.25 × 3⌉ + 10
        #expect(suggestion.suggestedQuantity == 104)
    }

    @Test("reads history, stock and open purchase orders into the warehouse through the contracts")
    func throughContracts() async throws {
        let backend = SupplyChainOperationsAdapters.inMemory()
        backend.setStock(sku: "WIDGET", warehouseID: "WH-A", onHand: 40, reserved: 5)
        backend.setStock(sku: "WIDGET", warehouseID: "WH-B", onHand: 500)
        backend.setSalesHistory(sku: "WIDGET", warehouseID: "WH-A", demand: [99, 10, 20, 30, 40])
        try await backend.placePurchaseOrder(quantity: 15, warehouseID: "WH-A", key: "po-1")
        try await backend.placePurchaseOrder(quantity: 100, warehouseID: "WH-B", key: "po-2")
        let orchestrator = SupplyChainOperationsOrchestrator(services: backend.services)
        let suggestion = try await orchestrator.replenishmentForecast(Self.request(.movingAverage(periods: 3)))
        #expect(suggestion.inventoryPosition == 50)
        #expect(suggestion.reorderPoint == 75)
        #expect(suggestion.suggestedQuantity == 60)
        let smoothed = try await orchestrator.replenishmentForecast(Self.request(.exponentialSmoothing(alpha: 0.5)))
        #expect(smoothed.demandPerPeriod == 31.25)  // the four periods read: 10, 20, 30, 40
    }
}
