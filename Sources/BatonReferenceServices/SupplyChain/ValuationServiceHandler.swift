import BatonAtomicAPI
import BatonRPC
import SupplyChainOperations
import SupplyChainOperationsRPC

/// `baton.atomic.valuation.v1.ValuationService` on the reference services' truth.
struct ValuationServiceHandler: Baton_Atomic_Valuation_V1_ValuationServiceHandler {
    let host: ReferenceServices

    func postValuation(_ request: Baton_Atomic_Valuation_V1_PostValuationRequest, context: ServerContext) async throws
        -> Baton_Atomic_Valuation_V1_ValuationEntry
    {
        try await host.serve(context, SupplyChainError.self) {
            let posting = try ValuationPosting(request.posting ?? .init())
            return .init(try await host.supplyChain.postValuation(posting, idempotencyKey: request.idempotencyKey))
        }
    }

    func reverseValuation(_ request: Baton_Atomic_Valuation_V1_ReverseValuationRequest, context: ServerContext) async throws
        -> Baton_Atomic_Valuation_V1_ValuationEntry
    {
        try await host.serve(context, SupplyChainError.self) {
            .init(try await host.supplyChain.reverseValuation(id: request.id, idempotencyKey: request.idempotencyKey))
        }
    }
}
