import BatonAtomicAPI
import BatonRPC
import IdentityOperations
import IdentityOperationsRPC

/// `baton.atomic.audit.v1.AuditService` on the reference services' truth.
struct AuditServiceHandler: Baton_Atomic_Audit_V1_AuditServiceHandler {
    let host: ReferenceServices

    func record(_ request: Baton_Atomic_Audit_V1_RecordRequest, context: ServerContext) async throws -> Baton_Atomic_Audit_V1_AuditReceipt {
        try await host.serve(context, IdentityOperationsError.self) {
            let entry = AuditEntry(request.entry ?? Baton_Atomic_Audit_V1_AuditEntry())
            return Baton_Atomic_Audit_V1_AuditReceipt(try await host.identity.record(entry, idempotencyKey: request.idempotencyKey))
        }
    }

    func listEntries(_ request: Baton_Atomic_Audit_V1_ListEntriesRequest, context: ServerContext) async throws
        -> Baton_Atomic_Audit_V1_ListEntriesResponse
    {
        try await host.serve(context, IdentityOperationsError.self) {
            var response = Baton_Atomic_Audit_V1_ListEntriesResponse()
            response.entries = host.identity.auditTrail.filter { $0.subjectID == request.subjectID }.map(Baton_Atomic_Audit_V1_AuditEntry.init)
            return response
        }
    }
}
