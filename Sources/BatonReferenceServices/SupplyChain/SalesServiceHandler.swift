import BatonAtomicAPI
import BatonRPC
import SupplyChainOperations
import SupplyChainOperationsRPC

/// `baton.atomic.sales.v1.SalesService` on the reference services' truth.
struct SalesServiceHandler: Baton_Atomic_Sales_V1_SalesServiceHandler {
    let host: ReferenceServices

    func createSalesOrder(_ request: Baton_Atomic_Sales_V1_CreateSalesOrderRequest, context: ServerContext) async throws
        -> Baton_Atomic_Sales_V1_SalesOrder
    {
        try await host.serve(context, SupplyChainError.self) {
            .init(try await host.supplyChain.createSalesOrder(SalesOrderRequest(request), idempotencyKey: request.idempotencyKey))
        }
    }

    func cancelSalesOrder(_ request: Baton_Atomic_Sales_V1_CancelSalesOrderRequest, context: ServerContext) async throws
        -> Baton_Atomic_Sales_V1_SalesOrder
    {
        try await host.serve(context, SupplyChainError.self) {
            .init(try await host.supplyChain.cancelSalesOrder(id: request.id, idempotencyKey: request.idempotencyKey))
        }
    }

    func getSalesOrder(_ request: Baton_Atomic_Sales_V1_GetSalesOrderRequest, context: ServerContext) async throws -> Baton_Atomic_Sales_V1_SalesOrder {
        try await host.serve(context, SupplyChainError.self) { .init(try await host.supplyChain.salesOrder(id: request.id)) }
    }
}
