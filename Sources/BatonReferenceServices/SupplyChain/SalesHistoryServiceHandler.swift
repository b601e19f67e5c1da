import BatonAtomicAPI
import BatonRPC
import SupplyChainOperations
import SupplyChainOperationsRPC

/// `baton.atomic.sales.v1.SalesHistoryService` on the reference services' truth.
struct SalesHistoryServiceHandler: Baton_Atomic_Sales_V1_SalesHistoryServiceHandler {
    let host: ReferenceServices

    func getDemand(_ request: Baton_Atomic_Sales_V1_GetDemandRequest, context: ServerContext) async throws -> Baton_Atomic_Sales_V1_Demand {
        try await host.serve(context, SupplyChainError.self) {
            var demand = Baton_Atomic_Sales_V1_Demand()
            demand.quantities = try await host.supplyChain.demand(sku: request.sku, warehouseID: request.warehouseID, periods: Int(request.periods))
            return demand
        }
    }

    func setSalesHistory(_ request: Baton_Atomic_Sales_V1_SetSalesHistoryRequest, context: ServerContext) async throws
        -> Baton_Atomic_Sales_V1_SetSalesHistoryResponse
    {
        try await host.serve(context, SupplyChainError.self) {
            host.supplyChain.setSalesHistory(sku: request.sku, warehouseID: request.warehouseID, demand: request.demand)
            return Baton_Atomic_Sales_V1_SetSalesHistoryResponse()
        }
    }
}
