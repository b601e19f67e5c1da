import BatonAtomicAPI
import BatonRPC
import BatonRPCAdapterSupport
import SupplyChainOperations

extension SupplyChainOperationsAdapters.RPC: SalesOrders {
    public func createSalesOrder(_ request: SalesOrderRequest, idempotencyKey: String) async throws -> SalesOrder {
        let wire = Baton_Atomic_Sales_V1_CreateSalesOrderRequest(request, idempotencyKey: idempotencyKey)
        let order = try SalesOrder(try await call(correlationID: request.reference) { try await salesClient.createSalesOrder(wire, options: $0) })
        references.remember(order.id, belongsTo: request.reference)
        return order
    }

    public func cancelSalesOrder(id: String, idempotencyKey: String) async throws -> SalesOrder {
        var request = Baton_Atomic_Sales_V1_CancelSalesOrderRequest()
        request.id = id
        request.idempotencyKey = idempotencyKey
        return try SalesOrder(try await call(correlationID: references.owner(of: id) ?? id) { try await salesClient.cancelSalesOrder(request, options: $0) })
    }

    public func salesOrder(id: String) async throws -> SalesOrder {
        var request = Baton_Atomic_Sales_V1_GetSalesOrderRequest()
        request.id = id
        return try SalesOrder(try await call(correlationID: references.owner(of: id) ?? id) { try await salesClient.getSalesOrder(request, options: $0) })
    }
}

extension SupplyChainOperationsAdapters.RPC: PurchaseOrders {
    public func createPurchaseOrder(_ request: PurchaseOrderRequest, idempotencyKey: String) async throws -> PurchaseOrder {
        var wire = Baton_Atomic_Procurement_V1_CreatePurchaseOrderRequest()
        wire.terms = .init(request)
        wire.idempotencyKey = idempotencyKey
        let reference = request.salesOrderID.flatMap { references.owner(of: $0) ?? $0 } ?? request.vendorID
        let order = try PurchaseOrder(try await call(correlationID: reference) { try await procurementClient.createPurchaseOrder(wire, options: $0) })
        references.remember(order.id, belongsTo: reference)
        return order
    }

    public func cancelPurchaseOrder(id: String, idempotencyKey: String) async throws -> PurchaseOrder {
        var request = Baton_Atomic_Procurement_V1_CancelPurchaseOrderRequest()
        request.id = id
        request.idempotencyKey = idempotencyKey
        return try PurchaseOrder(
            try await call(correlationID: references.owner(of: id) ?? id) { try await procurementClient.cancelPurchaseOrder(request, options: $0) })
    }

    public func purchaseOrder(id: String) async throws -> PurchaseOrder {
        var request = Baton_Atomic_Procurement_V1_GetPurchaseOrderRequest()
        request.id = id
        return try PurchaseOrder(try await call(correlationID: references.owner(of: id) ?? id) { try await procurementClient.getPurchaseOrder(request, options: $0) })
    }

    public func openPurchaseOrders(sku: String) async throws -> [PurchaseOrder] {
        var request = Baton_Atomic_Procurement_V1_ListOpenPurchaseOrdersRequest()
        request.sku = sku
        return try await call(correlationID: sku) { try await procurementClient.listOpenPurchaseOrders(request, options: $0) }
            .purchaseOrders.map { order throws(SupplyChainError) in try PurchaseOrder(order) }
    }
}

extension SupplyChainOperationsAdapters.RPC: StockLevels {
    public func stockLevels(sku: String) async throws -> [StockLevel] {
        var request = Baton_Atomic_Warehouse_V1_GetStockLevelsRequest()
        request.sku = sku
        return try await call(correlationID: sku) { try await warehouseClient.getStockLevels(request, options: $0) }.levels.map(StockLevel.init)
    }

    public func recordMovement(_ request: StockMovementRequest, idempotencyKey: String) async throws -> StockMovement {
        var wire = Baton_Atomic_Warehouse_V1_RecordMovementRequest()
        wire.movement = .init(request)
        wire.idempotencyKey = idempotencyKey
        let movement = try StockMovement(try await call(correlationID: request.reason) { try await warehouseClient.recordMovement(wire, options: $0) })
        references.remember(movement.id, belongsTo: request.reason)
        return movement
    }

    public func reverseMovement(id: String, idempotencyKey: String) async throws -> StockMovement {
        var request = Baton_Atomic_Warehouse_V1_ReverseMovementRequest()
        request.id = id
        request.idempotencyKey = idempotencyKey
        return try StockMovement(try await call(correlationID: references.owner(of: id) ?? id) { try await warehouseClient.reverseMovement(request, options: $0) })
    }
}

extension SupplyChainOperationsAdapters.RPC: WarehouseTransfers {
    public func transfer(_ request: TransferRequest, idempotencyKey: String) async throws -> TransferReceipt {
        var wire = Baton_Atomic_Warehouse_V1_TransferRequest()
        wire.transfer = .init(request)
        wire.idempotencyKey = idempotencyKey
        return TransferReceipt(try await call(correlationID: request.sku) { try await warehouseClient.transfer(wire, options: $0) })
    }

    public func reverseTransfer(id: String, idempotencyKey: String) async throws -> TransferReceipt {
        var request = Baton_Atomic_Warehouse_V1_ReverseTransferRequest()
        request.id = id
        request.idempotencyKey = idempotencyKey
        return TransferReceipt(try await call(correlationID: id) { try await warehouseClient.reverseTransfer(request, options: $0) })
    }
}

extension SupplyChainOperationsAdapters.RPC: Receivables {
    public func issueInvoice(_ request: InvoiceRequest, idempotencyKey: String) async throws -> Invoice {
        var wire = Baton_Atomic_Receivable_V1_IssueInvoiceRequest()
        wire.terms = .init(request)
        wire.idempotencyKey = idempotencyKey
        let reference = references.owner(of: request.salesOrderID) ?? request.salesOrderID
        return Invoice(try await call(correlationID: reference) { try await receivableClient.issueInvoice(wire, options: $0) })
    }

    public func issueCreditNote(_ request: CreditNoteRequest, idempotencyKey: String) async throws -> CreditNote {
        var wire = Baton_Atomic_Receivable_V1_IssueCreditNoteRequest()
        wire.terms = .init(request)
        wire.idempotencyKey = idempotencyKey
        let reference = references.owner(of: request.returnAuthorizationID) ?? request.returnAuthorizationID
        return CreditNote(try await call(correlationID: reference) { try await receivableClient.issueCreditNote(wire, options: $0) })
    }
}

extension SupplyChainOperationsAdapters.RPC: ReturnAuthorizations {
    public func authorizeReturn(_ request: ReturnAuthorizationRequest, idempotencyKey: String) async throws -> ReturnAuthorization {
        let wire = Baton_Atomic_Sales_V1_AuthorizeReturnRequest(request, idempotencyKey: idempotencyKey)
        let rma = try ReturnAuthorization(try await call(correlationID: request.reference) { try await returnClient.authorizeReturn(wire, options: $0) })
        references.remember(rma.id, belongsTo: request.reference)
        return rma
    }

    public func cancelReturn(id: String, idempotencyKey: String) async throws -> ReturnAuthorization {
        var request = Baton_Atomic_Sales_V1_CancelReturnRequest()
        request.id = id
        request.idempotencyKey = idempotencyKey
        return try ReturnAuthorization(try await call(correlationID: references.owner(of: id) ?? id) { try await returnClient.cancelReturn(request, options: $0) })
    }

    public func recordInspection(returnID: String, condition: ItemCondition, idempotencyKey: String) async throws -> Inspection {
        var request = Baton_Atomic_Sales_V1_RecordInspectionRequest()
        request.returnID = returnID
        request.condition = condition.rawValue
        request.idempotencyKey = idempotencyKey
        return try Inspection(
            try await call(correlationID: references.owner(of: returnID) ?? returnID) { try await returnClient.recordInspection(request, options: $0) })
    }

    public func returnAuthorization(id: String) async throws -> ReturnAuthorization {
        var request = Baton_Atomic_Sales_V1_GetReturnAuthorizationRequest()
        request.id = id
        return try ReturnAuthorization(
            try await call(correlationID: references.owner(of: id) ?? id) { try await returnClient.getReturnAuthorization(request, options: $0) })
    }
}

extension SupplyChainOperationsAdapters.RPC: SalesHistory {
    public func demand(sku: String, warehouseID: String, periods: Int) async throws -> [Int64] {
        var request = Baton_Atomic_Sales_V1_GetDemandRequest()
        request.sku = sku
        request.warehouseID = warehouseID
        request.periods = Int32(clamping: periods)
        return try await call(correlationID: sku) { try await salesHistoryClient.getDemand(request, options: $0) }.quantities
    }
}

extension SupplyChainOperationsAdapters.RPC: InventoryValuation {
    public func postValuation(_ posting: ValuationPosting, idempotencyKey: String) async throws -> ValuationEntry {
        var request = Baton_Atomic_Valuation_V1_PostValuationRequest()
        request.posting = .init(posting)
        request.idempotencyKey = idempotencyKey
        let entry = try ValuationEntry(try await call(correlationID: posting.receiptID) { try await valuationClient.postValuation(request, options: $0) })
        references.remember(entry.id, belongsTo: posting.receiptID)
        return entry
    }

    public func reverseValuation(id: String, idempotencyKey: String) async throws -> ValuationEntry {
        var request = Baton_Atomic_Valuation_V1_ReverseValuationRequest()
        request.id = id
        request.idempotencyKey = idempotencyKey
        return try ValuationEntry(
            try await call(correlationID: references.owner(of: id) ?? id) { try await valuationClient.reverseValuation(request, options: $0) })
    }
}
