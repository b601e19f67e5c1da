import SupplyChainOperations

extension SupplyChainOperationsAdapters.InMemory: StockLevels {
    public func stockLevels(sku: String) async throws -> [StockLevel] {
        try await store.read(.stockLevels) { state in
            (state.warehouseIDsBySKU[sku] ?? []).sorted().compactMap { state.stock[StockKey(sku: sku, warehouseID: $0)] }
        }
    }

    public func recordMovement(_ request: StockMovementRequest, idempotencyKey: String) async throws -> StockMovement {
        try await store.perform(.recordMovement, idempotencyKey: idempotencyKey) { state throws(SupplyChainError) in
            try state.requireWarehouse(request.warehouseID)
            guard !request.lines.isEmpty, request.lines.allSatisfy({ $0.quantity > 0 }) else {
                throw SupplyChainError(.invalidArgument, "a movement needs lines with positive quantities")
            }
            if request.kind == .restock {
                try state.adjustOnHand(request.lines.map { .init(sku: $0.sku, warehouseID: request.warehouseID, delta: $0.quantity) })
            }
            return state.insert(\.movements, prefix: "MV") { id in StockMovement(id: id, request: request, reversed: false) }
        }
    }

    public func reverseMovement(id: String, idempotencyKey: String) async throws -> StockMovement {
        try await store.perform(.reverseMovement, idempotencyKey: idempotencyKey) { state throws(SupplyChainError) in
            var movement = try state.existing(state.movements, id, "stock movement")
            guard !movement.reversed else { return movement }
            if movement.request.kind == .restock {
                let warehouseID = movement.request.warehouseID
                try state.adjustOnHand(movement.request.lines.map { .init(sku: $0.sku, warehouseID: warehouseID, delta: -$0.quantity) })
            }
            movement.reversed = true
            state.movements[id] = movement
            return movement
        }
    }
}

extension SupplyChainOperationsAdapters.InMemory: WarehouseTransfers {
    public func transfer(_ request: TransferRequest, idempotencyKey: String) async throws -> TransferReceipt {
        try await store.perform(.transfer, idempotencyKey: idempotencyKey) { state throws(SupplyChainError) in
            guard request.quantity > 0, request.fromWarehouseID != request.toWarehouseID else {
                throw SupplyChainError(.invalidArgument, "a transfer needs a positive quantity between two different warehouses")
            }
            try state.requireWarehouse(request.fromWarehouseID)
            try state.requireWarehouse(request.toWarehouseID)
            try state.adjustOnHand([
                .init(sku: request.sku, warehouseID: request.fromWarehouseID, delta: -request.quantity),
                .init(sku: request.sku, warehouseID: request.toWarehouseID, delta: request.quantity),
            ])
            return state.insert(\.transfers, prefix: "TR") { id in TransferReceipt(transferID: id, request: request, reversed: false) }
        }
    }

    public func reverseTransfer(id: String, idempotencyKey: String) async throws -> TransferReceipt {
        try await store.perform(.reverseTransfer, idempotencyKey: idempotencyKey) { state throws(SupplyChainError) in
            var receipt = try state.existing(state.transfers, id, "transfer")
            guard !receipt.reversed else { return receipt }
            let request = receipt.request
            try state.adjustOnHand([
                .init(sku: request.sku, warehouseID: request.toWarehouseID, delta: -request.quantity),
                .init(sku: request.sku, warehouseID: request.fromWarehouseID, delta: request.quantity),
            ])
            receipt.reversed = true
            state.transfers[id] = receipt
            return receipt
        }
    }
}
