import BatonAtomicAPI
import BatonRPC
import IdentityOperations
import IdentityOperationsRPC

/// `baton.atomic.tenant.v1.TenantService` on the reference services' truth.
struct TenantServiceHandler: Baton_Atomic_Tenant_V1_TenantServiceHandler {
    let host: ReferenceServices

    func createTenant(_ request: Baton_Atomic_Tenant_V1_CreateTenantRequest, context: ServerContext) async throws -> Baton_Atomic_Tenant_V1_Tenant {
        try await host.serve(context, IdentityOperationsError.self) {
            guard !request.tenantID.isEmpty else { throw IdentityOperationsError(.invalidArgument, "CreateTenant needs a tenant id") }
            host.identity.createTenant(request.tenantID)
            var tenant = Baton_Atomic_Tenant_V1_Tenant()
            tenant.tenantID = request.tenantID
            return tenant
        }
    }

    func addMember(_ request: Baton_Atomic_Tenant_V1_AddMemberRequest, context: ServerContext) async throws -> Baton_Atomic_Tenant_V1_Membership {
        try await host.serve(context, IdentityOperationsError.self) {
            let membership = try await host.identity.addMember(
                tenantID: request.tenantID, userID: request.userID, role: request.role, idempotencyKey: request.idempotencyKey)
            return Baton_Atomic_Tenant_V1_Membership(membership)
        }
    }

    func removeMember(_ request: Baton_Atomic_Tenant_V1_RemoveMemberRequest, context: ServerContext) async throws
        -> Baton_Atomic_Tenant_V1_RemoveMemberResponse
    {
        try await host.serve(context, IdentityOperationsError.self) {
            try await host.identity.removeMember(tenantID: request.tenantID, userID: request.userID, idempotencyKey: request.idempotencyKey)
            return Baton_Atomic_Tenant_V1_RemoveMemberResponse()
        }
    }

    func listMemberships(_ request: Baton_Atomic_Tenant_V1_ListMembershipsRequest, context: ServerContext) async throws
        -> Baton_Atomic_Tenant_V1_ListMembershipsResponse
    {
        try await host.serve(context, IdentityOperationsError.self) {
            var response = Baton_Atomic_Tenant_V1_ListMembershipsResponse()
            response.memberships = try await host.identity.memberships(userID: request.userID).map(Baton_Atomic_Tenant_V1_Membership.init)
            return response
        }
    }
}
