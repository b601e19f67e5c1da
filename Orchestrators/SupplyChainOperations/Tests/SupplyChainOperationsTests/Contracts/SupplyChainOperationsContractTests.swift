import BatonContractTesting
import BatonWorkflow
import SupplyChainOperations
import SupplyChainOperationsContractSuite
import SupplyChainOperationsInMemory
import Testing

@Suite("SupplyChainOperations contract (in-memory backend)")
struct SupplyChainOperationsContractTests {
    @Test("contract check", arguments: SupplyChainOperationsContract.checks)
    func contract(_ check: ContractCheck<any SupplyChainOperationsBackendFactory>) async throws {
        try await check.run(InMemoryBackendFactory())
    }

    @Test("the suite covers every role")
    func coverage() {
        let names = SupplyChainOperationsContract.checks.map(\.name)
        for role in ["sales orders", "purchase orders", "stock", "transfers", "receivables", "returns", "sales history", "valuation"] {
            #expect(names.contains { $0.hasPrefix(role + ":") }, "no check for \(role)")
        }
        #expect(Set(names).count == names.count)
    }

    @Test("injected faults fail the chosen calls before they take effect; a retry with the same key has one effect")
    func faultInjection() async throws {
        let backend = SupplyChainOperationsAdapters.inMemory()
        backend.setStock(sku: "WIDGET", warehouseID: "WH-A", onHand: 10)
        backend.setStock(sku: "WIDGET", warehouseID: "WH-B", onHand: 0)
        backend.failNext(.transfer, times: 2, with: .timedOut, after: 1)
        let request = TransferRequest(sku: "WIDGET", fromWarehouseID: "WH-A", toWarehouseID: "WH-B", quantity: 1)
        _ = try await backend.transfer(request, idempotencyKey: "t-1")
        for _ in 0..<2 {
            let error = await #expect(throws: SupplyChainError.self) { try await backend.transfer(request, idempotencyKey: "t-2") }
            #expect(error?.code == .timedOut)
            #expect(error?.isTransient == true)
            #expect(error?.stepError.code == .deadlineExceeded)
        }
        _ = try await backend.transfer(request, idempotencyKey: "t-2")
        _ = try await backend.transfer(request, idempotencyKey: "t-2")
        #expect(backend.stockLevel(sku: "WIDGET", warehouseID: "WH-B")?.onHand == 2)
        #expect(backend.journal == [.transfer, .transfer])
    }

    @Test("a lost answer: the call took effect, and repeating it with the same key answers the first result")
    func lostResponse() async throws {
        let backend = SupplyChainOperationsAdapters.inMemory()
        backend.addVendor("V-1")
        backend.failNext(.createPurchaseOrder, with: .unavailable, losingResponse: true)
        let request = PurchaseOrderRequest(vendorID: "V-1", lines: [OrderLine(sku: "A", quantity: 1, unitPriceMinor: 1)], currency: "EUR")
        let error = await #expect(throws: SupplyChainError.self) { try await backend.createPurchaseOrder(request, idempotencyKey: "po-1") }
        #expect(error?.code == .unavailable)
        #expect(backend.purchaseOrders.count == 1)
        let retried = try await backend.createPurchaseOrder(request, idempotencyKey: "po-1")
        #expect(backend.purchaseOrders == [retried])
        #expect(backend.journal == [.createPurchaseOrder])
    }

    @Test("added latency delays calls without changing their result")
    func latency() async throws {
        let backend = SupplyChainOperationsAdapters.inMemory()
        backend.setLatency(.milliseconds(1), for: .stockLevels)
        #expect(try await backend.stockLevels(sku: "WIDGET").isEmpty)
        backend.setLatency(nil, for: .stockLevels)
    }

    @Test("an idempotency key is required, and is not shared between operations' results")
    func idempotencyKeys() async throws {
        let backend = SupplyChainOperationsAdapters.inMemory()
        let request = SalesOrderRequest(reference: "r", customerID: "C", lines: [OrderLine(sku: "A", quantity: 1, unitPriceMinor: 1)], currency: "EUR")
        let error = await #expect(throws: SupplyChainError.self) { try await backend.createSalesOrder(request, idempotencyKey: "") }
        #expect(error?.code == .invalidArgument)
        let order = try await backend.createSalesOrder(request, idempotencyKey: "k")
        let cancelled = try await backend.cancelSalesOrder(id: order.id, idempotencyKey: "k")
        #expect(cancelled.status == .cancelled)
    }

    @Test("refusals map to non-retryable step errors, transient failures to retryable ones")
    func errorClassification() {
        let retryable = RetryPolicy.defaultRetryableCodes
        #expect(SupplyChainError(.notFound, "x").stepError.code == .notFound)
        #expect(SupplyChainError(.insufficientStock, "x").stepError.code == .failedPrecondition)
        #expect(SupplyChainError(.invalidArgument, "x").stepError.code == .invalidArgument)
        #expect(SupplyChainError(.failedPrecondition, "x").stepError.code == .failedPrecondition)
        for code in [SupplyChainError.Code.notFound, .insufficientStock, .invalidArgument, .failedPrecondition] {
            #expect(!retryable.contains(SupplyChainError(code, "x").stepError.code))
        }
        for code in [SupplyChainError.Code.unavailable, .timedOut] {
            #expect(retryable.contains(SupplyChainError(code, "x").stepError.code))
        }
        #expect(SupplyChainError(.insufficientStock, "WH-A has 1").stepError.message == "INSUFFICIENT_STOCK: WH-A has 1")
    }
}
