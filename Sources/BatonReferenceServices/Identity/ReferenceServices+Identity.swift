import BatonAtomicAPI
import BatonRPC
import IdentityOperations
import IdentityOperationsInMemory
import IdentityOperationsRPC

extension ReferenceFamily {
    /// Users and MFA, tenants, audit, sessions and the user notifier, on IdentityOperations'
    /// in-memory adapter.
    static func identity(_ backend: IdentityOperationsAdapters.InMemory) -> ReferenceFamily {
        let operations: [(MethodDescriptor, IdentityOperationsAdapters.InMemory.Operation)] = [
            (Baton_Atomic_Identity_V1_UserService.Method.createUser, .createUser),
            (Baton_Atomic_Identity_V1_UserService.Method.deleteUser, .deleteUser),
            (Baton_Atomic_Identity_V1_UserService.Method.disableUser, .disableUser),
            (Baton_Atomic_Identity_V1_MfaService.Method.issueChallenge, .issueChallenge),
            (Baton_Atomic_Identity_V1_MfaService.Method.activateChallenge, .activateMfa),
            (Baton_Atomic_Identity_V1_MfaService.Method.cancelChallenge, .cancelChallenge),
            (Baton_Atomic_Tenant_V1_TenantService.Method.addMember, .addMember),
            (Baton_Atomic_Tenant_V1_TenantService.Method.removeMember, .removeMember),
            (Baton_Atomic_Audit_V1_AuditService.Method.record, .audit),
            (Baton_Atomic_Session_V1_SessionService.Method.createSession, .createSession),
            (Baton_Atomic_Session_V1_SessionService.Method.revokeSession, .revokeSession),
            (Baton_Atomic_Session_V1_SessionService.Method.revokeAllSessions, .revokeAllSessions),
            (Baton_Atomic_Notifier_V1_UserNotifierService.Method.sendUserNotification, .notify),
        ]
        return ReferenceFamily(
            serviceNames: identityServiceNames,
            makeHandlers: { host in
                [
                    UserServiceHandler(host: host), MfaServiceHandler(host: host), TenantServiceHandler(host: host),
                    AuditServiceHandler(host: host), SessionServiceHandler(host: host), UserNotifierServiceHandler(host: host),
                ]
            },
            operations: operations.map { method, operation in
                InjectableOperation(
                    method, failingWith: IdentityOperationsError.self,
                    failNext: { backend.failNext($0, of: operation, with: $1, afterEffect: $2) },
                    addLatency: { backend.addLatency($0, to: operation, calls: $1) }
                )
            }
        )
    }

    static let identityServiceNames = [
        Baton_Atomic_Identity_V1_UserService.name,
        Baton_Atomic_Identity_V1_MfaService.name,
        Baton_Atomic_Tenant_V1_TenantService.name,
        Baton_Atomic_Audit_V1_AuditService.name,
        Baton_Atomic_Session_V1_SessionService.name,
        Baton_Atomic_Notifier_V1_UserNotifierService.name,
    ]
}
