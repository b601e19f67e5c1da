import BatonAtomicAPI
import BatonRPC
import OrderFulfillment
import OrderFulfillmentRPC

/// `baton.atomic.inventory.v1.InventoryService` on the reference services' truth.
struct InventoryServiceHandler: Baton_Atomic_Inventory_V1_InventoryServiceHandler {
    let host: ReferenceServices

    func reserve(_ request: Baton_Atomic_Inventory_V1_ReserveRequest, context: ServerContext) async throws -> Baton_Atomic_Inventory_V1_Reservation {
        try await host.serve(context, OrderFulfillmentError.self) {
            let reservation = try await host.orders.reserve(
                orderID: request.orderID, lines: request.lines.map(OrderLine.init), idempotencyKey: request.idempotencyKey)
            return Baton_Atomic_Inventory_V1_Reservation(reservation)
        }
    }

    func release(_ request: Baton_Atomic_Inventory_V1_ReleaseRequest, context: ServerContext) async throws -> Baton_Atomic_Inventory_V1_ReleaseResponse {
        try await host.serve(context, OrderFulfillmentError.self) {
            try await host.orders.release(reservationID: request.reservationID, idempotencyKey: request.idempotencyKey)
            return Baton_Atomic_Inventory_V1_ReleaseResponse()
        }
    }

    func setStock(_ request: Baton_Atomic_Inventory_V1_SetStockRequest, context: ServerContext) async throws -> Baton_Atomic_Inventory_V1_StockLevel {
        try await host.serve(context, OrderFulfillmentError.self) {
            guard !request.sku.isEmpty, request.quantity >= 0 else {
                throw OrderFulfillmentError(.invalidArgument, "SetStock needs a sku and a quantity of at least 0")
            }
            host.orders.stock(sku: request.sku, quantity: Int(clamping: request.quantity))
            return level(request.sku)
        }
    }

    func getStock(_ request: Baton_Atomic_Inventory_V1_GetStockRequest, context: ServerContext) async throws -> Baton_Atomic_Inventory_V1_StockLevel {
        try await host.serve(context, OrderFulfillmentError.self) { level(request.sku) }
    }

    private func level(_ sku: String) -> Baton_Atomic_Inventory_V1_StockLevel {
        var level = Baton_Atomic_Inventory_V1_StockLevel()
        level.sku = sku
        level.available = Int64(host.orders.available(sku: sku))
        return level
    }
}
