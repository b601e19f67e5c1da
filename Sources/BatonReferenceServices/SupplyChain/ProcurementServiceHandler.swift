import BatonAtomicAPI
import BatonRPC
import SupplyChainOperations
import SupplyChainOperationsRPC

/// `baton.atomic.procurement.v1.ProcurementService` on the reference services' truth.
struct ProcurementServiceHandler: Baton_Atomic_Procurement_V1_ProcurementServiceHandler {
    let host: ReferenceServices

    func createPurchaseOrder(_ request: Baton_Atomic_Procurement_V1_CreatePurchaseOrderRequest, context: ServerContext) async throws
        -> Baton_Atomic_Procurement_V1_PurchaseOrder
    {
        try await host.serve(context, SupplyChainError.self) {
            let terms = try PurchaseOrderRequest(request.terms ?? .init())
            return .init(try await host.supplyChain.createPurchaseOrder(terms, idempotencyKey: request.idempotencyKey))
        }
    }

    func cancelPurchaseOrder(_ request: Baton_Atomic_Procurement_V1_CancelPurchaseOrderRequest, context: ServerContext) async throws
        -> Baton_Atomic_Procurement_V1_PurchaseOrder
    {
        try await host.serve(context, SupplyChainError.self) {
            .init(try await host.supplyChain.cancelPurchaseOrder(id: request.id, idempotencyKey: request.idempotencyKey))
        }
    }

    func getPurchaseOrder(_ request: Baton_Atomic_Procurement_V1_GetPurchaseOrderRequest, context: ServerContext) async throws
        -> Baton_Atomic_Procurement_V1_PurchaseOrder
    {
        try await host.serve(context, SupplyChainError.self) { .init(try await host.supplyChain.purchaseOrder(id: request.id)) }
    }

    func listOpenPurchaseOrders(_ request: Baton_Atomic_Procurement_V1_ListOpenPurchaseOrdersRequest, context: ServerContext) async throws
        -> Baton_Atomic_Procurement_V1_ListOpenPurchaseOrdersResponse
    {
        try await host.serve(context, SupplyChainError.self) {
            var response = Baton_Atomic_Procurement_V1_ListOpenPurchaseOrdersResponse()
            response.purchaseOrders = try await host.supplyChain.openPurchaseOrders(sku: request.sku).map(Baton_Atomic_Procurement_V1_PurchaseOrder.init)
            return response
        }
    }

    func addVendor(_ request: Baton_Atomic_Procurement_V1_AddVendorRequest, context: ServerContext) async throws
        -> Baton_Atomic_Procurement_V1_AddVendorResponse
    {
        try await host.serve(context, SupplyChainError.self) {
            guard !request.vendorID.isEmpty else { throw SupplyChainError(.invalidArgument, "AddVendor needs a vendor id") }
            host.supplyChain.addVendor(request.vendorID)
            return Baton_Atomic_Procurement_V1_AddVendorResponse()
        }
    }
}
