import SupplyChainOperations

extension SupplyChainOperationsAdapters.InMemory: ReturnAuthorizations {
    public func authorizeReturn(_ request: ReturnAuthorizationRequest, idempotencyKey: String) async throws -> ReturnAuthorization {
        try await store.perform(.authorizeReturn, idempotencyKey: idempotencyKey) { state throws(SupplyChainError) in
            _ = try state.existing(state.salesOrders, request.salesOrderID, "sales order")
            try Self.validate(request.lines)
            return state.insert(\.returns, prefix: "RMA") { id in ReturnAuthorization(id: id, request: request, status: .authorized) }
        }
    }

    public func cancelReturn(id: String, idempotencyKey: String) async throws -> ReturnAuthorization {
        try await store.perform(.cancelReturn, idempotencyKey: idempotencyKey) { state throws(SupplyChainError) in
            try state.update(\.returns, id, "return authorization") { $0.status = .cancelled }
        }
    }

    public func recordInspection(returnID: String, condition: ItemCondition, idempotencyKey: String) async throws -> Inspection {
        try await store.perform(.recordInspection, idempotencyKey: idempotencyKey) { state throws(SupplyChainError) in
            _ = try state.update(\.returns, returnID, "return authorization") { rma throws(SupplyChainError) in
                guard rma.status != .cancelled else { throw SupplyChainError(.failedPrecondition, "return '\(returnID)' is cancelled") }
                rma.status = .inspected
            }
            return Inspection(returnAuthorizationID: returnID, condition: condition, disposition: condition == .resellable ? .restock : .scrap)
        }
    }

    public func returnAuthorization(id: String) async throws -> ReturnAuthorization {
        try await store.read(.returnAuthorization) { state throws(SupplyChainError) in try state.existing(state.returns, id, "return authorization") }
    }
}

extension SupplyChainOperationsAdapters.InMemory: SalesHistory {
    public func demand(sku: String, warehouseID: String, periods: Int) async throws -> [Int64] {
        try await store.read(.demand) { state throws(SupplyChainError) in
            guard periods > 0 else { throw SupplyChainError(.invalidArgument, "history needs one or more periods") }
            return Array((state.history[StockKey(sku: sku, warehouseID: warehouseID)] ?? []).suffix(periods))
        }
    }
}
