import BatonWorkflow
import SupplyChainOperations
import SupplyChainOperationsInMemory
import Testing

@Suite("WarehouseBalancing coordinator")
struct WarehouseBalancingTests {
    static let levels = [
        StockLevel(sku: "WIDGET", warehouseID: "WH-A", onHand: 110, reserved: 10),
        StockLevel(sku: "WIDGET", warehouseID: "WH-B", onHand: 20, reserved: 0),
        StockLevel(sku: "WIDGET", warehouseID: "WH-C", onHand: 0, reserved: 0),
        StockLevel(sku: "WIDGET", warehouseID: "WH-D", onHand: 55, reserved: 0),
        StockLevel(sku: "WIDGET", warehouseID: "WH-E", onHand: 999, reserved: 0),
    ]
    static let request = BalancingRequest(sku: "WIDGET", targets: ["WH-A": 40, "WH-B": 50, "WH-C": 50, "WH-D": 50])

    static func transfer(_ from: String, _ to: String, _ quantity: Int64) -> TransferRequest {
        TransferRequest(sku: "WIDGET", fromWarehouseID: from, toWarehouseID: to, quantity: quantity)
    }

    @Test("largest deficit first from the largest surplus; warehouses without a target are left alone")
    func plan() {
        #expect(WarehouseBalancingCoordinator.plan(Self.request, levels: Self.levels) == [
            Self.transfer("WH-A", "WH-C", 50), Self.transfer("WH-A", "WH-B", 10), Self.transfer("WH-D", "WH-B", 5),
        ])
        var withMinimum = Self.request
        withMinimum.minimumTransfer = 6
        #expect(WarehouseBalancingCoordinator.plan(withMinimum, levels: Self.levels) == [Self.transfer("WH-A", "WH-C", 50), Self.transfer("WH-A", "WH-B", 10)])
    }

    @Test("ties are broken by warehouse id, so the plan does not depend on input order")
    func deterministic() {
        let levels = [
            StockLevel(sku: "WIDGET", warehouseID: "WH-Z", onHand: 10, reserved: 0),
            StockLevel(sku: "WIDGET", warehouseID: "WH-Y", onHand: 10, reserved: 0),
        ]
        let request = BalancingRequest(sku: "WIDGET", targets: ["WH-Z": 0, "WH-Y": 0, "WH-M": 10, "WH-N": 10])
        let expected = [Self.transfer("WH-Y", "WH-M", 10), Self.transfer("WH-Z", "WH-N", 10)]
        #expect(WarehouseBalancingCoordinator.plan(request, levels: levels) == expected)
        #expect(WarehouseBalancingCoordinator.plan(request, levels: levels.reversed()) == expected)
        #expect(WarehouseBalancingCoordinator.plan(BalancingRequest(sku: "WIDGET", targets: ["WH-Z": 10]), levels: levels).isEmpty)
    }

    func seeded() -> SupplyChainOperationsAdapters.InMemory {
        let backend = SupplyChainOperationsAdapters.inMemory()
        for level in Self.levels { backend.setStock(sku: level.sku, warehouseID: level.warehouseID, onHand: level.onHand, reserved: level.reserved) }
        return backend
    }

    func onHand(_ backend: SupplyChainOperationsAdapters.InMemory) -> [Int64] {
        Self.levels.map { backend.stockLevel(sku: "WIDGET", warehouseID: $0.warehouseID)?.onHand ?? -1 }
    }

    @Test("executes the plan: each warehouse ends at its target")
    func execute() async throws {
        let backend = seeded()
        let orchestrator = SupplyChainOperationsOrchestrator(services: backend.services)
        let result = try await orchestrator.balanceWarehouses(Self.request, idempotencyKey: "bal-1")
        #expect(result.executed.map(\.request) == result.plan)
        #expect(onHand(backend) == [50, 35, 50, 50, 999])
    }

    @Test("transfer k fails: transfers 1..k-1 are reversed newest first and the stock is as before", arguments: [1, 2, 3])
    func compensation(_ k: Int) async throws {
        let backend = seeded()
        backend.failNext(.transfer, with: .unavailable, after: k - 1)
        let orchestrator = SupplyChainOperationsOrchestrator(services: backend.services)
        let failure = await #expect(throws: CoordinatorFailure.self) { try await orchestrator.balanceWarehouses(Self.request, idempotencyKey: "bal-1") }
        #expect(failure?.undone == (1..<k).reversed().map { "transfer-\($0)" })
        #expect(failure?.undoFailures.isEmpty == true)
        #expect(onHand(backend) == Self.levels.map(\.onHand))
        #expect(backend.journal == Array(repeating: .transfer, count: k - 1) + Array(repeating: .reverseTransfer, count: k - 1))
        #expect(backend.transfers.allSatisfy { $0.reversed })
    }

    @Test("a transfer refused for insufficient stock also rolls back the executed ones")
    func insufficientStock() async throws {
        let backend = seeded()
        let orchestrator = SupplyChainOperationsOrchestrator(services: backend.services)
        // WH-D's stock is reserved after the plan was made from the levels: the third transfer is refused.
        backend.failNext(.transfer, with: .insufficientStock, after: 2)
        let failure = await #expect(throws: CoordinatorFailure.self) { try await orchestrator.balanceWarehouses(Self.request, idempotencyKey: "bal-1") }
        #expect((failure?.underlying as? SupplyChainError)?.code == .insufficientStock)
        #expect(failure?.undone == ["transfer-2", "transfer-1"])
        #expect(onHand(backend) == Self.levels.map(\.onHand))
    }
}
