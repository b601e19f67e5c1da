import SupplyChainOperations

extension SupplyChainOperationsAdapters.InMemory {
    /// Refuses an order without lines, with a non-positive quantity or a negative price.
    static func validate(_ lines: [OrderLine]) throws(SupplyChainError) {
        guard !lines.isEmpty, lines.allSatisfy({ $0.quantity > 0 && $0.unitPriceMinor >= 0 }) else {
            throw SupplyChainError(.invalidArgument, "an order needs lines with positive quantities and non-negative prices")
        }
    }
}

extension SupplyChainOperationsAdapters.InMemory: SalesOrders {
    public func createSalesOrder(_ request: SalesOrderRequest, idempotencyKey: String) async throws -> SalesOrder {
        try await store.perform(.createSalesOrder, idempotencyKey: idempotencyKey) { state throws(SupplyChainError) in
            try Self.validate(request.lines)
            return state.insert(\.salesOrders, prefix: "SO") { id in
                SalesOrder(id: id, reference: request.reference, customerID: request.customerID, lines: request.lines, currency: request.currency, status: .open)
            }
        }
    }

    public func cancelSalesOrder(id: String, idempotencyKey: String) async throws -> SalesOrder {
        try await store.perform(.cancelSalesOrder, idempotencyKey: idempotencyKey) { state throws(SupplyChainError) in
            try state.update(\.salesOrders, id, "sales order") { $0.status = .cancelled }
        }
    }

    public func salesOrder(id: String) async throws -> SalesOrder {
        try await store.read(.salesOrder) { state throws(SupplyChainError) in try state.existing(state.salesOrders, id, "sales order") }
    }
}

extension SupplyChainOperationsAdapters.InMemory: PurchaseOrders {
    public func createPurchaseOrder(_ request: PurchaseOrderRequest, idempotencyKey: String) async throws -> PurchaseOrder {
        try await store.perform(.createPurchaseOrder, idempotencyKey: idempotencyKey) { state throws(SupplyChainError) in
            guard state.vendors.contains(request.vendorID) else { throw SupplyChainError(.notFound, "vendor '\(request.vendorID)' not found") }
            try Self.validate(request.lines)
            if let warehouse = request.warehouseID { try state.requireWarehouse(warehouse) }
            let order = state.insert(\.purchaseOrders, prefix: "PO") { id in PurchaseOrder(id: id, request: request, status: .open) }
            for line in request.lines { state.purchaseOrderIDsBySKU[line.sku, default: []].insert(order.id) }
            return order
        }
    }

    public func cancelPurchaseOrder(id: String, idempotencyKey: String) async throws -> PurchaseOrder {
        try await store.perform(.cancelPurchaseOrder, idempotencyKey: idempotencyKey) { state throws(SupplyChainError) in
            try state.update(\.purchaseOrders, id, "purchase order") { $0.status = .cancelled }
        }
    }

    public func purchaseOrder(id: String) async throws -> PurchaseOrder {
        try await store.read(.purchaseOrder) { state throws(SupplyChainError) in try state.existing(state.purchaseOrders, id, "purchase order") }
    }

    public func openPurchaseOrders(sku: String) async throws -> [PurchaseOrder] {
        try await store.read(.openPurchaseOrders) { state in
            (state.purchaseOrderIDsBySKU[sku] ?? []).sorted().compactMap { state.purchaseOrders[$0] }.filter { $0.status == .open }
        }
    }
}
