import BatonAtomicAPI
import BatonRPC
import SupplyChainOperations
import SupplyChainOperationsRPC

/// `baton.atomic.receivable.v1.ReceivableService` on the reference services' truth.
struct ReceivableServiceHandler: Baton_Atomic_Receivable_V1_ReceivableServiceHandler {
    let host: ReferenceServices

    func issueInvoice(_ request: Baton_Atomic_Receivable_V1_IssueInvoiceRequest, context: ServerContext) async throws -> Baton_Atomic_Receivable_V1_Invoice {
        try await host.serve(context, SupplyChainError.self) {
            .init(try await host.supplyChain.issueInvoice(InvoiceRequest(request.terms ?? .init()), idempotencyKey: request.idempotencyKey))
        }
    }

    func issueCreditNote(_ request: Baton_Atomic_Receivable_V1_IssueCreditNoteRequest, context: ServerContext) async throws
        -> Baton_Atomic_Receivable_V1_CreditNote
    {
        try await host.serve(context, SupplyChainError.self) {
            .init(try await host.supplyChain.issueCreditNote(CreditNoteRequest(request.terms ?? .init()), idempotencyKey: request.idempotencyKey))
        }
    }
}
