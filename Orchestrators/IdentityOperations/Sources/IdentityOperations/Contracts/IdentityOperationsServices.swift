/// Everything IdentityOperations needs from the world, one implementation per role.
///
/// The composition root fills it from one adapter (in-memory, RPC, …); the orchestrator never
/// knows which.
public struct IdentityOperationsServices: Sendable {
    public var users: any UserDirectory
    public var memberships: any TenantMemberships
    public var audit: any AuditLog
    public var notifications: any Notifications
    public var sessions: any SessionStore
    public var mfa: any MfaChallenges

    public init(
        users: any UserDirectory,
        memberships: any TenantMemberships,
        audit: any AuditLog,
        notifications: any Notifications,
        sessions: any SessionStore,
        mfa: any MfaChallenges
    ) {
        self.users = users
        self.memberships = memberships
        self.audit = audit
        self.notifications = notifications
        self.sessions = sessions
        self.mfa = mfa
    }
}
