import BatonAPI
import BatonRPC
import BatonServer
import BatonWorkflow
import SupplyChainOperations
import SupplyChainOperationsInMemory
import Testing

/// The server hosting the real SupplyChainOperations orchestrator on its in-memory backend, with
/// the typed client on the same connection.
struct SupplyChainServer {
    typealias API = Baton_SupplyChainOperations_V1_SupplyChainOperationsClient

    let t: TestServer
    let backend: SupplyChainOperationsAdapters.InMemory
    let api: API

    static func with<Result: Sendable>(
        seed: (SupplyChainOperationsAdapters.InMemory) async throws -> Void = { _ in },
        _ body: (SupplyChainServer) async throws -> Result
    ) async throws -> Result {
        let backend = SupplyChainOperationsAdapters.inMemory()
        backend.addVendor("V-1")
        for warehouse in ["WH-EAST", "WH-WEST", "WH-NORTH"] { backend.addWarehouse(warehouse) }
        try await seed(backend)
        let orchestrator = SupplyChainOperationsOrchestrator(
            services: backend.services,
            configuration: .defaults { $0.retry = RetryPolicy(maxAttempts: 2, backoff: .fixed(.milliseconds(5))) }
        )
        return try await TestServer.with(orchestrators: [.supplyChainOperations(orchestrator)]) { t in
            try await body(SupplyChainServer(t: t, backend: backend, api: API(t.client)))
        }
    }

    func signal(correlationID: String, _ name: String, _ payload: String) async throws {
        var request = Baton_Coordination_V1_SignalWorkflowRequest()
        request.target = .correlationID(correlationID)
        request.signal = name
        request.payloadJson = payload
        _ = try await t.workflows.signalWorkflow(request)
    }
}

func line(_ sku: String, _ quantity: Int64, _ unitPriceMinor: Int64) -> Baton_SupplyChainOperations_V1_OrderLine {
    var line = Baton_SupplyChainOperations_V1_OrderLine()
    line.sku = sku
    line.quantity = quantity
    line.unitPriceMinor = unitPriceMinor
    return line
}

func dropship(_ reference: String, vendor: String = "V-1") -> Baton_SupplyChainOperations_V1_DropshipOrderRequest {
    var request = Baton_SupplyChainOperations_V1_DropshipOrderRequest()
    request.orderReference = reference
    request.customerID = "C-1"
    request.vendorID = vendor
    request.lines = [line("WIDGET", 2, 1_250), line("GADGET", 1, 4_999)]
    request.vendorUnitCostsMinor = ["WIDGET": 800]
    request.currency = "EUR"
    return request
}

func movingAverage(_ periods: Int32) -> Baton_SupplyChainOperations_V1_ReplenishmentForecastRequest.OneOf_Method {
    var average = Baton_SupplyChainOperations_V1_ReplenishmentForecastRequest.MovingAverage()
    average.periods = periods
    return .movingAverage(average)
}

func smoothing(_ alpha: Double) -> Baton_SupplyChainOperations_V1_ReplenishmentForecastRequest.OneOf_Method {
    var smoothing = Baton_SupplyChainOperations_V1_ReplenishmentForecastRequest.ExponentialSmoothing()
    smoothing.alpha = alpha
    return .exponentialSmoothing(smoothing)
}

func balancing(_ targets: [String: Int64], key: String) -> Baton_SupplyChainOperations_V1_BalanceWarehousesRequest {
    var request = Baton_SupplyChainOperations_V1_BalanceWarehousesRequest()
    request.sku = "GIZMO"
    request.targets = targets
    request.idempotencyKey = key
    return request
}

@Suite("SupplyChainOperations typed API over RPC (real orchestrator, in-memory backend)")
struct SupplyChainOperationsAPIServiceTests {
    @Test("DropshipOrder starts the saga; the shipment signal completes it with an invoice; a repeat is idempotent")
    func dropshipOrder() async throws {
        try await SupplyChainServer.with { s in
            let started = try await s.api.dropshipOrder(dropship("ORD-1"))
            #expect(started.workflowID == "dropship-ORD-1")
            _ = try await s.t.waitFor(started.workflowID) { $0.currentStep == "await-shipment" && $0.steps[2].status == .waiting }
            try await s.signal(
                correlationID: "ORD-1", "ShipmentDispatched",
                #"{"orderReference":"ORD-1","carrier":"DHL","trackingNumber":"TRK-1"}"#
            )
            let workflow = try await s.t.finished(started.workflowID)
            #expect(workflow.status == .completed)
            #expect(workflow.workflowType == "DropshipOrder")
            #expect(workflow.correlationID == "ORD-1")
            #expect(workflow.steps.map(\.name) == ["create-sales-order", "place-purchase-order", "await-shipment", "issue-invoice"])
            #expect(workflow.steps.allSatisfy { $0.status == .completed })

            #expect(s.backend.salesOrders.map(\.reference) == ["ORD-1"])
            #expect(s.backend.purchaseOrders.map(\.request.lines) == [[
                OrderLine(sku: "WIDGET", quantity: 2, unitPriceMinor: 800), OrderLine(sku: "GADGET", quantity: 1, unitPriceMinor: 4_999),
            ]])
            #expect(s.backend.invoices.map(\.request.amountMinor) == [7_499])
            #expect(s.backend.invoices.map(\.request.shipmentReference) == ["TRK-1"])

            let again = try await s.api.dropshipOrder(dropship("ORD-1"))
            #expect(again.workflowID == "dropship-ORD-1")
            #expect(again.status == .completed)
            #expect(s.backend.salesOrders.count == 1)

            var chosen = dropship("ORD-2")
            chosen.workflowID = "my-dropship"
            #expect(try await s.api.dropshipOrder(chosen).workflowID == "my-dropship")
        }
    }

    @Test("DropshipOrder to an unknown vendor is refused by procurement and compensated")
    func dropshipUnknownVendor() async throws {
        try await SupplyChainServer.with { s in
            let started = try await s.api.dropshipOrder(dropship("ORD-9", vendor: "V-NONE"))
            let workflow = try await s.t.finished(started.workflowID)
            #expect(workflow.status == .compensated)
            #expect(workflow.failedStep == "place-purchase-order")
            #expect(workflow.error?.code == "NOT_FOUND")
            #expect(s.backend.salesOrders.map(\.status) == [.cancelled])
        }
    }

    @Test("ReturnMerchandise: resellable goods are restocked and credited")
    func returnMerchandiseRestock() async throws {
        try await SupplyChainServer.with(seed: { backend in
            backend.setStock(sku: "WIDGET", warehouseID: "WH-EAST", onHand: 10)
        }) { s in
            let order = try await s.backend.createSalesOrder(
                SalesOrderRequest(reference: "ORD-5", customerID: "C-1", lines: [OrderLine(sku: "WIDGET", quantity: 3, unitPriceMinor: 1_250)], currency: "EUR"),
                idempotencyKey: "seed"
            )
            var request = Baton_SupplyChainOperations_V1_ReturnMerchandiseRequest()
            request.returnReference = "RET-1"
            request.salesOrderID = order.id
            request.customerID = "C-1"
            request.lines = [line("WIDGET", 2, 1_250)]
            request.currency = "EUR"
            request.warehouseID = "WH-EAST"
            let started = try await s.api.returnMerchandise(request)
            #expect(started.workflowID == "rma-RET-1")
            _ = try await s.t.waitFor(started.workflowID) { $0.currentStep == "await-receipt" && $0.steps[1].status == .waiting }
            try await s.signal(correlationID: "RET-1", "ReturnReceived", #"{"returnReference":"RET-1","condition":"RESELLABLE"}"#)

            let workflow = try await s.t.finished(started.workflowID)
            #expect(workflow.status == .completed)
            let status = Dictionary(uniqueKeysWithValues: workflow.steps.map { ($0.name, $0.status) })
            #expect(status["restock"] == .completed)
            #expect(status["scrap"] != .completed)
            #expect(status["issue-credit-note"] == .completed)
            #expect(s.backend.stockLevel(sku: "WIDGET", warehouseID: "WH-EAST")?.onHand == 12)
            #expect(s.backend.creditNotes.map(\.request.amountMinor) == [2_500])
            #expect(s.backend.returnAuthorizations.map(\.status) == [.inspected])
        }
    }

    @Test("AvailableToPromise: on hand − reserved, then open purchase orders by day; overdue supply counts today")
    func availableToPromise() async throws {
        try await SupplyChainServer.with(seed: { backend in
            backend.setStock(sku: "WIDGET", warehouseID: "WH-EAST", onHand: 100, reserved: 10)
            backend.setStock(sku: "WIDGET", warehouseID: "WH-WEST", onHand: 40)
            let incoming: [(String, Int64, CalendarDay)] = [
                ("WH-EAST", 50, CalendarDay(year: 2026, month: 12, day: 1)),
                ("WH-WEST", 30, CalendarDay(year: 2026, month: 11, day: 20)),  // overdue
            ]
            for (warehouse, quantity, day) in incoming {
                _ = try await backend.createPurchaseOrder(
                    PurchaseOrderRequest(
                        vendorID: "V-1", lines: [OrderLine(sku: "WIDGET", quantity: quantity, unitPriceMinor: 500)], currency: "EUR",
                        warehouseID: warehouse, expectedOn: day
                    ),
                    idempotencyKey: "po-\(warehouse)"
                )
            }
        }) { s in
            var request = Baton_SupplyChainOperations_V1_AvailableToPromiseRequest()
            request.sku = "WIDGET"
            request.asOf = "2026-11-23"
            let all = try await s.api.availableToPromise(request)
            #expect(all.sku == "WIDGET")
            #expect(all.asOf == "2026-11-23")
            #expect(all.onHand == 140)
            #expect(all.reserved == 10)
            #expect(all.buckets.map(\.day) == ["2026-11-23", "2026-12-01"])
            #expect(all.buckets.map(\.incoming) == [30, 50])
            #expect(all.buckets.map(\.available) == [160, 210])

            request.warehouseID = "WH-EAST"
            let east = try await s.api.availableToPromise(request)
            #expect(east.onHand == 100)
            #expect(east.buckets.map(\.incoming) == [0, 50])
            #expect(east.buckets.map(\.available) == [90, 140])

            for bad in ["", "2026-02-30", "2026-1-05", "23.11.2026", "2026-13-01"] {
                request.asOf = bad
                let error = await #expect(throws: RPCError.self, "\(bad)") { try await s.api.availableToPromise(request) }
                #expect(error?.code == .invalidArgument)
                #expect(error?.message.hasPrefix("as_of") == true, "\(String(describing: error))")
            }
            request.asOf = "2024-02-29"
            #expect(try await s.api.availableToPromise(request).buckets.first?.day == "2024-02-29")
        }
    }

    static func receipt() -> Baton_SupplyChainOperations_V1_LandedCostRequest {
        func receiptLine(_ sku: String, _ quantity: Int64, _ value: Int64, _ grams: Int64) -> Baton_SupplyChainOperations_V1_ReceiptLine {
            var line = Baton_SupplyChainOperations_V1_ReceiptLine()
            line.sku = sku
            line.quantity = quantity
            line.valueMinor = value
            line.weightGrams = grams
            return line
        }
        func charge(
            _ kind: Baton_SupplyChainOperations_V1_ChargeKind, _ amount: Int64, _ basis: Baton_SupplyChainOperations_V1_AllocationBasis
        ) -> Baton_SupplyChainOperations_V1_LandedCharge {
            var charge = Baton_SupplyChainOperations_V1_LandedCharge()
            charge.kind = kind
            charge.amountMinor = amount
            charge.basis = basis
            return charge
        }
        var request = Baton_SupplyChainOperations_V1_LandedCostRequest()
        request.receiptID = "GR-1"
        request.lines = [receiptLine("A", 3, 10_000, 500), receiptLine("B", 5, 25_000, 1_500), receiptLine("C", 2, 5_000, 1_000)]
        request.charges = [charge(.freight, 1_000, .weight), charge(.duty, 2_501, .value), charge(.insurance, 100, .quantity)]
        request.idempotencyKey = "landed-GR-1"
        return request
    }

    @Test("LandedCost: largest remainders make every charge add up exactly; posted once per key")
    func landedCost() async throws {
        try await SupplyChainServer.with { s in
            let result = try await s.api.landedCost(Self.receipt())
            #expect(result.receiptID == "GR-1")
            // Freight by weight 500:1500:1000 → 166.67, 500, 333.33: the leftover unit goes to A.
            // Duty by value 10000:25000:5000 → 625.25, 1563.125, 312.625: the leftover unit goes to C.
            #expect(result.allocations.map(\.amountsMinor) == [[167, 500, 333], [625, 1_563, 313], [30, 50, 20]])
            #expect(result.allocations.map { $0.amountsMinor.reduce(0, +) } == [1_000, 2_501, 100])
            #expect(result.allocations.map { $0.charge?.kind } == [.freight, .duty, .insurance])
            #expect(result.landedValuesMinor == [10_822, 27_113, 5_666])
            #expect(result.landedValuesMinor.reduce(0, +) == Int64(40_000 + 1_000 + 2_501 + 100))
            #expect(result.valuationEntryIds == ["VAL-000001", "VAL-000002", "VAL-000003"])

            let again = try await s.api.landedCost(Self.receipt())
            #expect(again.valuationEntryIds == result.valuationEntryIds)
            #expect(s.backend.valuationEntries.count == 3)
        }
    }

    @Test("LandedCost: a failed posting reverses the posted charges and answers the posting's status")
    func landedCostFailure() async throws {
        try await SupplyChainServer.with { s in
            s.backend.failNext(.postValuation, times: 1, with: .unavailable, after: 1)
            let error = await #expect(throws: RPCError.self) { try await s.api.landedCost(Self.receipt()) }
            #expect(error?.code == .unavailable)
            #expect(error?.message.contains("undone") == true, "\(String(describing: error))")
            #expect(s.backend.valuationEntries.map(\.reversed) == [true])

            var weightless = Self.receipt()
            for index in weightless.lines.indices { weightless.lines[index].weightGrams = 0 }
            weightless.idempotencyKey = "landed-weightless"
            let refused = await #expect(throws: RPCError.self) { try await s.api.landedCost(weightless) }
            #expect(refused?.code == .invalidArgument)
            #expect(refused?.message.contains("weights add up to zero") == true, "\(String(describing: refused))")
        }
    }

    @Test("ReplenishmentForecast: moving average and exponential smoothing against the inventory position")
    func replenishmentForecast() async throws {
        try await SupplyChainServer.with(seed: { backend in
            backend.setStock(sku: "GADGET", warehouseID: "WH-EAST", onHand: 40, reserved: 5)
            backend.setSalesHistory(sku: "GADGET", warehouseID: "WH-EAST", demand: [20, 22, 18, 24, 26, 30])
        }) { s in
            var request = Baton_SupplyChainOperations_V1_ReplenishmentForecastRequest()
            request.sku = "GADGET"
            request.warehouseID = "WH-EAST"
            request.method = movingAverage(4)
            request.historyPeriods = 6
            request.leadTimePeriods = 2
            request.safetyStock = 10
            request.orderMultiple = 12
            // (18 + 24 + 26 + 30) / 4 = 24.5 a period: reorder at ⌈49⌉ + 10, up to ⌈73.5⌉ + 10.
            let average = try await s.api.replenishmentForecast(request)
            #expect(average.sku == "GADGET" && average.warehouseID == "WH-EAST")
            #expect(average.demandPerPeriod == 24.5)
            #expect(average.reorderPoint == 59)
            #expect(average.orderUpToLevel == 84)
            #expect(average.inventoryPosition == 35)
            #expect(average.suggestedQuantity == 60)  // 84 − 35 = 49, rounded up to 12s

            // 20 → 21 → 19.5 → 21.75 → 23.875 → 26.9375
            request.method = smoothing(0.5)
            request.reviewPeriods = 0
            request.orderMultiple = nil
            let smoothed = try await s.api.replenishmentForecast(request)
            #expect(smoothed.demandPerPeriod == 26.9375)
            #expect(smoothed.reorderPoint == 64)
            #expect(smoothed.orderUpToLevel == 64)
            #expect(smoothed.suggestedQuantity == 29)
        }
    }

    @Test("BalanceWarehouses: surpluses fill deficits largest first; the transfers move the stock")
    func balanceWarehouses() async throws {
        try await SupplyChainServer.with(seed: { backend in
            backend.setStock(sku: "GIZMO", warehouseID: "WH-EAST", onHand: 55, reserved: 5)
            backend.setStock(sku: "GIZMO", warehouseID: "WH-NORTH", onHand: 10)
        }) { s in
            let request = balancing(["WH-EAST": 20, "WH-WEST": 25, "WH-NORTH": 15], key: "balance-1")
            let result = try await s.api.balanceWarehouses(request)
            #expect(result.plan.map { "\($0.fromWarehouseID)→\($0.toWarehouseID):\($0.quantity)" } == ["WH-EAST→WH-WEST:25", "WH-EAST→WH-NORTH:5"])
            #expect(result.executed.map(\.transferID) == ["TR-000001", "TR-000002"])
            #expect(result.executed.compactMap(\.transfer) == result.plan)
            #expect(s.backend.stockLevel(sku: "GIZMO", warehouseID: "WH-EAST")?.available == 20)
            #expect(s.backend.stockLevel(sku: "GIZMO", warehouseID: "WH-WEST")?.available == 25)
            #expect(s.backend.stockLevel(sku: "GIZMO", warehouseID: "WH-NORTH")?.available == 15)

            let again = try await s.api.balanceWarehouses(request)
            #expect(again.executed.isEmpty && again.plan.isEmpty)
        }
    }

    @Test("BalanceWarehouses refused: an unknown warehouse is NOT_FOUND, insufficient stock FAILED_PRECONDITION; nothing moves")
    func balanceWarehousesRefused() async throws {
        try await SupplyChainServer.with(seed: { backend in
            backend.setStock(sku: "GIZMO", warehouseID: "WH-EAST", onHand: 50)
        }) { s in
            var request = balancing(["WH-EAST": 10, "WH-WEST": 30, "WH-NOWHERE": 10], key: "balance-2")
            let missing = await #expect(throws: RPCError.self) { try await s.api.balanceWarehouses(request) }
            #expect(missing?.code == .notFound)
            #expect(missing?.message.contains("WH-NOWHERE") == true, "\(String(describing: missing))")
            #expect(missing?.message.contains("undone: transfer-1") == true, "\(String(describing: missing))")
            #expect(s.backend.stockLevel(sku: "GIZMO", warehouseID: "WH-EAST")?.onHand == 50)
            #expect(s.backend.stockLevel(sku: "GIZMO", warehouseID: "WH-WEST")?.onHand == 0)

            request.targets = ["WH-EAST": 10, "WH-WEST": 40]
            request.idempotencyKey = "balance-3"
            s.backend.failNext(.transfer, with: .insufficientStock)
            let short = await #expect(throws: RPCError.self) { try await s.api.balanceWarehouses(request) }
            #expect(short?.code == .failedPrecondition)
            #expect(short?.message.contains("INSUFFICIENT_STOCK") == true, "\(String(describing: short))")
            #expect(s.backend.stockLevel(sku: "GIZMO", warehouseID: "WH-EAST")?.onHand == 50)
        }
    }

    @Test("bad input is INVALID_ARGUMENT naming the field, and starts nothing")
    func badInput() async throws {
        try await SupplyChainServer.with { s in
            var noVendor = dropship("ORD-X")
            noVendor.vendorID = ""
            var zeroQuantity = dropship("ORD-X")
            zeroQuantity.lines[1].quantity = 0
            var noLines = dropship("ORD-X")
            noLines.lines = []
            var noWarehouse = Baton_SupplyChainOperations_V1_ReturnMerchandiseRequest()
            noWarehouse.returnReference = "RET-X"
            noWarehouse.salesOrderID = "SO-1"
            noWarehouse.customerID = "C-1"
            noWarehouse.currency = "EUR"
            noWarehouse.lines = [line("WIDGET", 1, 100)]
            var noBasis = Self.receipt()
            noBasis.charges[1].basis = .unspecified
            var noMethod = Baton_SupplyChainOperations_V1_ReplenishmentForecastRequest()
            noMethod.sku = "GADGET"
            noMethod.warehouseID = "WH-EAST"
            noMethod.historyPeriods = 4
            var badMultiple = noMethod
            badMultiple.method = movingAverage(3)
            badMultiple.orderMultiple = 0
            let noKey = balancing(["WH-EAST": 1], key: "")
            let negativeTarget = balancing(["WH-EAST": -1], key: "k")

            let cases: [(String, () async throws -> Void)] = [
                ("vendor_id is required", { _ = try await s.api.dropshipOrder(noVendor) }),
                ("lines[1].quantity must be positive", { _ = try await s.api.dropshipOrder(zeroQuantity) }),
                ("lines is required", { _ = try await s.api.dropshipOrder(noLines) }),
                ("warehouse_id is required", { _ = try await s.api.returnMerchandise(noWarehouse) }),
                ("charges[1].basis is required", { _ = try await s.api.landedCost(noBasis) }),
                ("method is required", { _ = try await s.api.replenishmentForecast(noMethod) }),
                ("order_multiple must be positive", { _ = try await s.api.replenishmentForecast(badMultiple) }),
                ("idempotency_key is required", { _ = try await s.api.balanceWarehouses(noKey) }),
                ("targets[WH-EAST] must not be negative", { _ = try await s.api.balanceWarehouses(negativeTarget) }),
            ]
            for (message, call) in cases {
                let error = await #expect(throws: RPCError.self, "\(message)") { try await call() }
                #expect(error?.code == .invalidArgument, "\(message): \(String(describing: error))")
                #expect(error?.message.hasPrefix(message) == true, "\(message): \(String(describing: error))")
            }
            let workflows = try await s.t.workflows.listWorkflows(.init())
            #expect(workflows.total == 0)
            #expect(s.backend.journal.isEmpty)
        }
    }
}
