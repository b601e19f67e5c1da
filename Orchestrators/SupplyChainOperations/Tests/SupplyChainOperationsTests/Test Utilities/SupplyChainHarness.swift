import BatonWorkflow
import BatonWorkflowTesting
import SupplyChainOperations
import SupplyChainOperationsContractSuite
import SupplyChainOperationsInMemory
import Testing

/// The in-memory backend as a contract-suite factory: a fresh backend per check.
struct InMemoryBackendFactory: SupplyChainOperationsBackendFactory {
    func makeBackend() async throws -> SupplyChainOperationsContractBackend {
        let backend = SupplyChainOperationsAdapters.inMemory()
        return SupplyChainOperationsContractBackend(services: backend.services, seeding: backend)
    }
}

extension SupplyChainOperationsAdapters.InMemory: SupplyChainOperationsSeeding {}

extension SupplyChainOperationsOrchestrator.Configuration {
    /// No retries of refusals, predictable backoff, no per-call timeout sleeping on the clock.
    static let testing = SupplyChainOperationsOrchestrator.Configuration.defaults {
        $0.retry = RetryPolicy(maxAttempts: 3, backoff: .fixed(.seconds(1)))
        $0.compensationRetry = RetryPolicy(maxAttempts: 3, backoff: .fixed(.seconds(1)))
        $0.callTimeout = nil
        $0.shipmentTimeout = .seconds(3_600)
        $0.returnReceiptTimeout = .seconds(7_200)
    }
}

/// One case of a "refusal at step k" workflow test: the backend refuses `operation` once with
/// `code`; the workflow ends in `status` with exactly `journal` taking effect.
struct StepFailure: Sendable, CustomTestStringConvertible {
    var step: String
    var operation: SupplyChainOperationsAdapters.InMemory.Operation
    var code: SupplyChainError.Code
    var status: WorkflowStatus
    var journal: [String]
    var testDescription: String { "\(step) refused with \(code)" }
}

extension SupplyChainOperationsOrchestrator.Configuration {
    /// A copy with `change` applied.
    func with(_ change: (inout Self) -> Void) -> Self {
        var copy = self
        change(&copy)
        return copy
    }
}

/// An orchestrator over a fresh in-memory backend, with a real engine on a manual clock.
struct SupplyChainHarness {
    let backend = SupplyChainOperationsAdapters.inMemory()
    let clock = ManualWorkflowClock()
    let orchestrator: SupplyChainOperationsOrchestrator
    let engine: WorkflowEngine

    init(configuration: SupplyChainOperationsOrchestrator.Configuration = .testing) throws {
        backend.addVendor("V-1")
        backend.setStock(sku: "WIDGET", warehouseID: "WH-A", onHand: 0)
        orchestrator = SupplyChainOperationsOrchestrator(services: backend.services, configuration: configuration)
        engine = try WorkflowEngine(definitions: orchestrator.workflows, store: InMemoryWorkflowStore(), clock: clock)
    }

    /// Runs `body` with the engine running, then shuts it down.
    func run<Result: Sendable>(_ body: (WorkflowEngine) async throws -> Result) async throws -> Result {
        try await withRunningEngine(engine, body)
    }

    /// Waits (yielding, never sleeping) until `step` of workflow `id` has `status`.
    func waitUntil(_ id: String, step: String, is status: StepStatus) async throws {
        try await engine.waitForStep(step, of: id, status)
    }

    /// The backend's mutating operations that took effect, by name.
    var journal: [String] { backend.journal.map(\.name) }

    static let dropship = DropshipOrderRequest(
        orderReference: "web-100",
        customerID: "C-1",
        vendorID: "V-1",
        lines: [OrderLine(sku: "WIDGET", quantity: 2, unitPriceMinor: 1_250), OrderLine(sku: "GADGET", quantity: 1, unitPriceMinor: 4_000)],
        vendorUnitCostsMinor: ["WIDGET": 800],
        currency: "EUR"
    )
    static let dropshipID = SupplyChainOperationsOrchestrator.dropshipOrderID(orderReference: "web-100")
    static let shipment = ShipmentNotice(orderReference: "web-100", carrier: "DHL", trackingNumber: "JD0001")

    /// A sales order to return goods from, created through the contract (not journalled by the test).
    func returnRequest() async throws -> ReturnMerchandiseRequest {
        let order = try await backend.createSalesOrder(
            SalesOrderRequest(reference: "web-7", customerID: "C-1", lines: [OrderLine(sku: "WIDGET", quantity: 2, unitPriceMinor: 1_250)], currency: "EUR"),
            idempotencyKey: "seed-sales-order"
        )
        return ReturnMerchandiseRequest(
            returnReference: "ret-7", salesOrderID: order.id, customerID: "C-1",
            lines: order.lines, currency: "EUR", warehouseID: "WH-A"
        )
    }
    static let returnID = SupplyChainOperationsOrchestrator.returnMerchandiseID(returnReference: "ret-7")
}

extension SupplyChainOperationsAdapters.InMemory {
    /// Places a one-line purchase order with vendor `V-1` (which it registers) into `warehouseID`.
    @discardableResult
    func placePurchaseOrder(
        sku: String = "WIDGET",
        quantity: Int64,
        warehouseID: String?,
        expectedOn: CalendarDay? = nil,
        key: String
    ) async throws -> PurchaseOrder {
        addVendor("V-1")
        return try await createPurchaseOrder(
            PurchaseOrderRequest(
                vendorID: "V-1", lines: [OrderLine(sku: sku, quantity: quantity, unitPriceMinor: 1)], currency: "EUR",
                warehouseID: warehouseID, expectedOn: expectedOn
            ),
            idempotencyKey: key
        )
    }
}
