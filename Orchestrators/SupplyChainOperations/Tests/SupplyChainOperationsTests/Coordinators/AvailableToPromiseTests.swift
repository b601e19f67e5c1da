import SupplyChainOperations
import SupplyChainOperationsInMemory
import Testing

@Suite("AvailableToPromise coordinator")
struct AvailableToPromiseTests {
    static func day(_ month: Int, _ day: Int) -> CalendarDay { CalendarDay(year: 2026, month: month, day: day) }

    @Test("on hand − reserved today, plus supply on its expected day, cumulative; overdue supply counts today")
    func timePhased() {
        let atp = AvailableToPromiseCoordinator.timePhased(
            sku: "WIDGET",
            asOf: Self.day(11, 23),
            levels: [
                StockLevel(sku: "WIDGET", warehouseID: "WH-A", onHand: 10, reserved: 4),
                StockLevel(sku: "WIDGET", warehouseID: "WH-B", onHand: 5, reserved: 0),
            ],
            incoming: [
                IncomingSupply(day: Self.day(12, 15), quantity: 7),
                IncomingSupply(day: Self.day(12, 1), quantity: 10),
                IncomingSupply(day: Self.day(11, 20), quantity: 3),
                IncomingSupply(day: Self.day(12, 1), quantity: 5),
            ]
        )
        #expect(atp.onHand == 15 && atp.reserved == 4)
        #expect(atp.buckets == [
            AvailableToPromiseBucket(day: Self.day(11, 23), incoming: 3, available: 14),
            AvailableToPromiseBucket(day: Self.day(12, 1), incoming: 15, available: 29),
            AvailableToPromiseBucket(day: Self.day(12, 15), incoming: 7, available: 36),
        ])
        #expect(atp.available(on: Self.day(11, 22)) == 0)
        #expect(atp.available(on: Self.day(11, 30)) == 14)
        #expect(atp.available(on: Self.day(12, 1)) == 29)
        #expect(atp.available(on: Self.day(12, 31)) == 36)
        #expect(atp.earliestDay(for: 14) == Self.day(11, 23))
        #expect(atp.earliestDay(for: 20) == Self.day(12, 1))
        #expect(atp.earliestDay(for: 37) == nil)
    }

    @Test("over-reserved stock is a negative start that supply fills")
    func overReserved() {
        let atp = AvailableToPromiseCoordinator.timePhased(
            sku: "WIDGET", asOf: Self.day(11, 23),
            levels: [StockLevel(sku: "WIDGET", warehouseID: "WH-A", onHand: 2, reserved: 5)],
            incoming: [IncomingSupply(day: Self.day(11, 25), quantity: 4)]
        )
        #expect(atp.buckets.map(\.available) == [-3, 1])
        #expect(atp.earliestDay(for: 1) == Self.day(11, 25))
    }

    @Test("reads stock and open purchase orders through the contracts: dropship, cancelled and other warehouses' orders are not supply")
    func throughContracts() async throws {
        let backend = SupplyChainOperationsAdapters.inMemory()
        backend.setStock(sku: "WIDGET", warehouseID: "WH-A", onHand: 10, reserved: 4)
        backend.setStock(sku: "WIDGET", warehouseID: "WH-B", onHand: 5)
        try await backend.placePurchaseOrder(quantity: 10, warehouseID: "WH-A", expectedOn: Self.day(12, 1), key: "po-1")
        try await backend.placePurchaseOrder(quantity: 6, warehouseID: "WH-B", expectedOn: Self.day(12, 3), key: "po-2")
        try await backend.placePurchaseOrder(quantity: 50, warehouseID: nil, expectedOn: Self.day(12, 1), key: "po-dropship")
        try await backend.placePurchaseOrder(sku: "GADGET", quantity: 40, warehouseID: "WH-A", expectedOn: Self.day(12, 2), key: "po-other-sku")
        let cancelled = try await backend.placePurchaseOrder(quantity: 100, warehouseID: "WH-A", expectedOn: Self.day(12, 2), key: "po-cancelled")
        _ = try await backend.cancelPurchaseOrder(id: cancelled.id, idempotencyKey: "cancel")
        let orchestrator = SupplyChainOperationsOrchestrator(services: backend.services)

        let all = try await orchestrator.availableToPromise(sku: "WIDGET", asOf: Self.day(11, 23))
        #expect(all.buckets.map(\.available) == [11, 21, 27])
        #expect(all.buckets.map(\.day) == [Self.day(11, 23), Self.day(12, 1), Self.day(12, 3)])
        let warehouseA = try await orchestrator.availableToPromise(sku: "WIDGET", asOf: Self.day(11, 23), warehouseID: "WH-A")
        #expect(warehouseA.buckets.map(\.available) == [6, 16])
    }
}
