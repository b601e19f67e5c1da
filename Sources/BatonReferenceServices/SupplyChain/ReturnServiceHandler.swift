import BatonAtomicAPI
import BatonRPC
import SupplyChainOperations
import SupplyChainOperationsRPC

/// `baton.atomic.sales.v1.ReturnService` on the reference services' truth.
struct ReturnServiceHandler: Baton_Atomic_Sales_V1_ReturnServiceHandler {
    let host: ReferenceServices

    func authorizeReturn(_ request: Baton_Atomic_Sales_V1_AuthorizeReturnRequest, context: ServerContext) async throws
        -> Baton_Atomic_Sales_V1_ReturnAuthorization
    {
        try await host.serve(context, SupplyChainError.self) {
            .init(try await host.supplyChain.authorizeReturn(ReturnAuthorizationRequest(request), idempotencyKey: request.idempotencyKey))
        }
    }

    func cancelReturn(_ request: Baton_Atomic_Sales_V1_CancelReturnRequest, context: ServerContext) async throws
        -> Baton_Atomic_Sales_V1_ReturnAuthorization
    {
        try await host.serve(context, SupplyChainError.self) {
            .init(try await host.supplyChain.cancelReturn(id: request.id, idempotencyKey: request.idempotencyKey))
        }
    }

    func recordInspection(_ request: Baton_Atomic_Sales_V1_RecordInspectionRequest, context: ServerContext) async throws
        -> Baton_Atomic_Sales_V1_Inspection
    {
        try await host.serve(context, SupplyChainError.self) {
            let condition: ItemCondition = try wireCondition(request.condition)
            return .init(try await host.supplyChain.recordInspection(returnID: request.returnID, condition: condition, idempotencyKey: request.idempotencyKey))
        }
    }

    func getReturnAuthorization(_ request: Baton_Atomic_Sales_V1_GetReturnAuthorizationRequest, context: ServerContext) async throws
        -> Baton_Atomic_Sales_V1_ReturnAuthorization
    {
        try await host.serve(context, SupplyChainError.self) { .init(try await host.supplyChain.returnAuthorization(id: request.id)) }
    }

    private func wireCondition(_ name: String) throws(SupplyChainError) -> ItemCondition {
        guard let condition = ItemCondition(rawValue: name) else { throw SupplyChainError(.invalidArgument, "unknown item condition '\(name)'") }
        return condition
    }
}
