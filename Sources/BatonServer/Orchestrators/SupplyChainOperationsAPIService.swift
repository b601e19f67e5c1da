import BatonAPI
import BatonRPC
import BatonWorkflow
import SupplyChainOperations

/// `baton.supply_chain_operations.v1.SupplyChainOperations`: DropshipOrder and ReturnMerchandise
/// with typed input, and the AvailableToPromise, LandedCost, ReplenishmentForecast and
/// WarehouseBalancing coordinators. The workflows' signals have no RPCs here: they are delivered
/// with `WorkflowService.SignalWorkflow` or as the domain events of the same names.
public final class SupplyChainOperationsAPIService: Baton_SupplyChainOperations_V1_SupplyChainOperationsHandler, Sendable {
    public typealias Started = Baton_SupplyChainOperations_V1_WorkflowStarted

    private let orchestrator: SupplyChainOperationsOrchestrator
    private let engine: WorkflowEngine

    public init(orchestrator: SupplyChainOperationsOrchestrator, engine: WorkflowEngine) {
        self.orchestrator = orchestrator
        self.engine = engine
    }

    public func dropshipOrder(_ request: Baton_SupplyChainOperations_V1_DropshipOrderRequest, context: ServerContext) async throws -> Started {
        try requireField(request.orderReference, "order_reference")
        try requireField(request.customerID, "customer_id")
        try requireField(request.vendorID, "vendor_id")
        try requireField(request.currency, "currency")
        let lines = try Self.orderLines(request.lines)
        for (sku, cost) in request.vendorUnitCostsMinor.sorted(by: { $0.key < $1.key }) {
            try requireValid(cost >= 0, "vendor_unit_costs_minor[\(sku)] must not be negative")
        }
        let order = DropshipOrderRequest(
            orderReference: request.orderReference,
            customerID: request.customerID,
            vendorID: request.vendorID,
            lines: lines,
            vendorUnitCostsMinor: request.vendorUnitCostsMinor,
            currency: request.currency
        )
        return try await workflowStarted {
            try await orchestrator.dropshipOrder(order, engine: engine, workflowID: request.workflowID.isEmpty ? nil : request.workflowID)
        }
    }

    public func returnMerchandise(_ request: Baton_SupplyChainOperations_V1_ReturnMerchandiseRequest, context: ServerContext) async throws -> Started {
        try requireField(request.returnReference, "return_reference")
        try requireField(request.salesOrderID, "sales_order_id")
        try requireField(request.customerID, "customer_id")
        try requireField(request.currency, "currency")
        try requireField(request.warehouseID, "warehouse_id")
        let returned = ReturnMerchandiseRequest(
            returnReference: request.returnReference,
            salesOrderID: request.salesOrderID,
            customerID: request.customerID,
            lines: try Self.orderLines(request.lines),
            currency: request.currency,
            warehouseID: request.warehouseID
        )
        return try await workflowStarted {
            try await orchestrator.returnMerchandise(returned, engine: engine, workflowID: request.workflowID.isEmpty ? nil : request.workflowID)
        }
    }

    public func availableToPromise(_ request: Baton_SupplyChainOperations_V1_AvailableToPromiseRequest, context: ServerContext) async throws
        -> Baton_SupplyChainOperations_V1_AvailableToPromiseResponse
    {
        try requireField(request.sku, "sku")
        let asOf = try Self.day(request.asOf, "as_of")
        return try await mappingErrors {
            let atp = try await orchestrator.availableToPromise(sku: request.sku, asOf: asOf, warehouseID: request.warehouseID.isEmpty ? nil : request.warehouseID)
            var response = Baton_SupplyChainOperations_V1_AvailableToPromiseResponse()
            response.sku = atp.sku
            response.asOf = atp.asOf.description
            response.onHand = atp.onHand
            response.reserved = atp.reserved
            response.buckets = atp.buckets.map { bucket in
                var message = Baton_SupplyChainOperations_V1_AvailableToPromiseBucket()
                message.day = bucket.day.description
                message.incoming = bucket.incoming
                message.available = bucket.available
                return message
            }
            return response
        }
    }

    public func landedCost(_ request: Baton_SupplyChainOperations_V1_LandedCostRequest, context: ServerContext) async throws
        -> Baton_SupplyChainOperations_V1_LandedCostResponse
    {
        try requireField(request.receiptID, "receipt_id")
        try requireField(request.idempotencyKey, "idempotency_key")
        try requireValid(!request.lines.isEmpty, "lines is required")
        try requireValid(!request.charges.isEmpty, "charges is required")
        let lines = try request.lines.enumerated().map { index, line throws(RPCError) in
            try requireField(line.sku, "lines[\(index)].sku")
            try requireValid(
                line.quantity >= 0 && line.valueMinor >= 0 && line.weightGrams >= 0,
                "lines[\(index)] must not have a negative quantity, value_minor or weight_grams"
            )
            return ReceiptLine(sku: line.sku, quantity: line.quantity, valueMinor: line.valueMinor, weightGrams: line.weightGrams)
        }
        let charges = try request.charges.enumerated().map { index, charge throws(RPCError) in
            LandedCharge(
                kind: try Self.chargeKind(charge.kind, "charges[\(index)].kind"),
                amountMinor: try Self.nonNegative(charge.amountMinor, "charges[\(index)].amount_minor"),
                basis: try Self.basis(charge.basis, "charges[\(index)].basis")
            )
        }
        return try await mappingErrors {
            let result = try await orchestrator.landedCost(
                LandedCostRequest(receiptID: request.receiptID, lines: lines, charges: charges), idempotencyKey: request.idempotencyKey
            )
            var response = Baton_SupplyChainOperations_V1_LandedCostResponse()
            response.receiptID = result.receiptID
            response.allocations = zip(request.charges, result.allocations).map { charge, allocation in
                var message = Baton_SupplyChainOperations_V1_ChargeAllocation()
                message.charge = charge
                message.amountsMinor = allocation.amountsMinor
                return message
            }
            response.landedValuesMinor = result.landedValuesMinor
            response.valuationEntryIds = result.entries.map(\.id)
            return response
        }
    }

    public func replenishmentForecast(_ request: Baton_SupplyChainOperations_V1_ReplenishmentForecastRequest, context: ServerContext) async throws
        -> Baton_SupplyChainOperations_V1_ReplenishmentForecastResponse
    {
        try requireField(request.sku, "sku")
        try requireField(request.warehouseID, "warehouse_id")
        let method: ForecastMethod
        switch request.method {
        case .movingAverage(let average)?:
            try requireValid(average.periods > 0, "moving_average.periods must be positive")
            method = .movingAverage(periods: Int(average.periods))
        case .exponentialSmoothing(let smoothing)?:
            try requireValid(smoothing.alpha > 0 && smoothing.alpha <= 1, "exponential_smoothing.alpha must be in (0, 1]")
            method = .exponentialSmoothing(alpha: smoothing.alpha)
        case nil:
            throw RPCError(code: .invalidArgument, message: "method is required (moving_average or exponential_smoothing)")
        }
        try requireValid(request.historyPeriods > 0, "history_periods must be positive")
        let forecast = ReplenishmentRequest(
            sku: request.sku,
            warehouseID: request.warehouseID,
            method: method,
            historyPeriods: Int(request.historyPeriods),
            leadTimePeriods: Int(try Self.nonNegative(Int64(request.leadTimePeriods), "lead_time_periods")),
            reviewPeriods: Int(try Self.nonNegative(Int64(request.reviewPeriods ?? 1), "review_periods")),
            safetyStock: try Self.nonNegative(request.safetyStock, "safety_stock"),
            orderMultiple: request.orderMultiple ?? 1
        )
        try requireValid(forecast.orderMultiple >= 1, "order_multiple must be positive")
        return try await mappingErrors {
            let suggestion = try await orchestrator.replenishmentForecast(forecast)
            var response = Baton_SupplyChainOperations_V1_ReplenishmentForecastResponse()
            response.sku = suggestion.sku
            response.warehouseID = suggestion.warehouseID
            response.demandPerPeriod = suggestion.demandPerPeriod
            response.reorderPoint = suggestion.reorderPoint
            response.orderUpToLevel = suggestion.orderUpToLevel
            response.inventoryPosition = suggestion.inventoryPosition
            response.suggestedQuantity = suggestion.suggestedQuantity
            return response
        }
    }

    public func balanceWarehouses(_ request: Baton_SupplyChainOperations_V1_BalanceWarehousesRequest, context: ServerContext) async throws
        -> Baton_SupplyChainOperations_V1_BalanceWarehousesResponse
    {
        try requireField(request.sku, "sku")
        try requireField(request.idempotencyKey, "idempotency_key")
        try requireValid(!request.targets.isEmpty, "targets is required")
        for (warehouse, target) in request.targets.sorted(by: { $0.key < $1.key }) {
            try requireField(warehouse, "targets' warehouse id")
            try requireValid(target >= 0, "targets[\(warehouse)] must not be negative")
        }
        let balancing = BalancingRequest(sku: request.sku, targets: request.targets, minimumTransfer: request.minimumTransfer)
        return try await mappingErrors {
            let result = try await orchestrator.balanceWarehouses(balancing, idempotencyKey: request.idempotencyKey)
            var response = Baton_SupplyChainOperations_V1_BalanceWarehousesResponse()
            response.plan = result.plan.map(Self.transfer)
            response.executed = result.executed.map { receipt in
                var message = Baton_SupplyChainOperations_V1_ExecutedTransfer()
                message.transferID = receipt.transferID
                message.transfer = Self.transfer(receipt.request)
                return message
            }
            return response
        }
    }

    // MARK: Conversions

    /// The order lines of a workflow request: one or more, each with a sku, a positive quantity
    /// and a non-negative unit price.
    private static func orderLines(_ lines: [Baton_SupplyChainOperations_V1_OrderLine]) throws(RPCError) -> [OrderLine] {
        try requireValid(!lines.isEmpty, "lines is required")
        return try lines.enumerated().map { index, line throws(RPCError) in
            try requireField(line.sku, "lines[\(index)].sku")
            try requireValid(line.quantity > 0, "lines[\(index)].quantity must be positive")
            return OrderLine(sku: line.sku, quantity: line.quantity, unitPriceMinor: try nonNegative(line.unitPriceMinor, "lines[\(index)].unit_price_minor"))
        }
    }

    private static func nonNegative(_ value: Int64, _ field: String) throws(RPCError) -> Int64 {
        try requireValid(value >= 0, "\(field) must not be negative")
        return value
    }

    /// A required ISO calendar day, `YYYY-MM-DD`.
    static func day(_ text: String, _ field: String) throws(RPCError) -> CalendarDay {
        try requireField(text, field)
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year)
        else {
            throw RPCError(code: .invalidArgument, message: "\(field) must be a calendar day YYYY-MM-DD, not '\(text)'")
        }
        return CalendarDay(year: year, month: month, day: day)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func chargeKind(_ kind: Baton_SupplyChainOperations_V1_ChargeKind, _ field: String) throws(RPCError) -> LandedCharge.Kind {
        switch kind {
        case .freight: return .freight
        case .duty: return .duty
        case .insurance: return .insurance
        case .unspecified, .unrecognized: throw RPCError(code: .invalidArgument, message: "\(field) is required (FREIGHT, DUTY or INSURANCE)")
        }
    }

    private static func basis(_ basis: Baton_SupplyChainOperations_V1_AllocationBasis, _ field: String) throws(RPCError) -> AllocationBasis {
        switch basis {
        case .value: return .value
        case .weight: return .weight
        case .quantity: return .quantity
        case .unspecified, .unrecognized: throw RPCError(code: .invalidArgument, message: "\(field) is required (VALUE, WEIGHT or QUANTITY)")
        }
    }

    private static func transfer(_ request: TransferRequest) -> Baton_SupplyChainOperations_V1_Transfer {
        var message = Baton_SupplyChainOperations_V1_Transfer()
        message.sku = request.sku
        message.fromWarehouseID = request.fromWarehouseID
        message.toWarehouseID = request.toWarehouseID
        message.quantity = request.quantity
        return message
    }
}

extension HostedOrchestrator {
    /// SupplyChainOperations: DropshipOrder and ReturnMerchandise, the ShipmentDispatched and
    /// ReturnReceived listeners that signal them, the four coordinators, and its typed API.
    public static func supplyChainOperations(_ orchestrator: SupplyChainOperationsOrchestrator) -> HostedOrchestrator {
        HostedOrchestrator(name: "SupplyChainOperations", workflows: orchestrator.workflows, listeners: orchestrator.listeners) { engine in
            [SupplyChainOperationsAPIService(orchestrator: orchestrator, engine: engine)]
        }
    }
}
