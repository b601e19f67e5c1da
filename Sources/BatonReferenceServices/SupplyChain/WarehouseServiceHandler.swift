import BatonAtomicAPI
import BatonRPC
import SupplyChainOperations
import SupplyChainOperationsRPC

/// `baton.atomic.warehouse.v1.WarehouseService` on the reference services' truth.
struct WarehouseServiceHandler: Baton_Atomic_Warehouse_V1_WarehouseServiceHandler {
    let host: ReferenceServices

    func getStockLevels(_ request: Baton_Atomic_Warehouse_V1_GetStockLevelsRequest, context: ServerContext) async throws
        -> Baton_Atomic_Warehouse_V1_GetStockLevelsResponse
    {
        try await host.serve(context, SupplyChainError.self) {
            var response = Baton_Atomic_Warehouse_V1_GetStockLevelsResponse()
            response.levels = try await host.supplyChain.stockLevels(sku: request.sku).map(Baton_Atomic_Warehouse_V1_StockLevel.init)
            return response
        }
    }

    func recordMovement(_ request: Baton_Atomic_Warehouse_V1_RecordMovementRequest, context: ServerContext) async throws
        -> Baton_Atomic_Warehouse_V1_StockMovement
    {
        try await host.serve(context, SupplyChainError.self) {
            let movement = try StockMovementRequest(request.movement ?? .init())
            return .init(try await host.supplyChain.recordMovement(movement, idempotencyKey: request.idempotencyKey))
        }
    }

    func reverseMovement(_ request: Baton_Atomic_Warehouse_V1_ReverseMovementRequest, context: ServerContext) async throws
        -> Baton_Atomic_Warehouse_V1_StockMovement
    {
        try await host.serve(context, SupplyChainError.self) {
            .init(try await host.supplyChain.reverseMovement(id: request.id, idempotencyKey: request.idempotencyKey))
        }
    }

    func transfer(_ request: Baton_Atomic_Warehouse_V1_TransferRequest, context: ServerContext) async throws -> Baton_Atomic_Warehouse_V1_TransferReceipt {
        try await host.serve(context, SupplyChainError.self) {
            .init(try await host.supplyChain.transfer(TransferRequest(request.transfer ?? .init()), idempotencyKey: request.idempotencyKey))
        }
    }

    func reverseTransfer(_ request: Baton_Atomic_Warehouse_V1_ReverseTransferRequest, context: ServerContext) async throws
        -> Baton_Atomic_Warehouse_V1_TransferReceipt
    {
        try await host.serve(context, SupplyChainError.self) {
            .init(try await host.supplyChain.reverseTransfer(id: request.id, idempotencyKey: request.idempotencyKey))
        }
    }

    func setStockLevel(_ request: Baton_Atomic_Warehouse_V1_SetStockLevelRequest, context: ServerContext) async throws
        -> Baton_Atomic_Warehouse_V1_StockLevel
    {
        try await host.serve(context, SupplyChainError.self) {
            let level = StockLevel(request.level ?? .init())
            guard !level.sku.isEmpty, !level.warehouseID.isEmpty, level.onHand >= 0, level.reserved >= 0 else {
                throw SupplyChainError(.invalidArgument, "SetStockLevel needs a sku, a warehouse and quantities of at least 0")
            }
            host.supplyChain.setStock(sku: level.sku, warehouseID: level.warehouseID, onHand: level.onHand, reserved: level.reserved)
            return .init(level)
        }
    }
}
