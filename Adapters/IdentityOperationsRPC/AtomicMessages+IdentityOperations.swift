import BatonAtomicAPI
import IdentityOperations

// The wire form of IdentityOperations' DTOs, in both directions (the RPC adapter builds
// requests and reads responses; the reference services read requests and build responses).

extension UserAccount {
    public init(_ user: Baton_Atomic_Identity_V1_User) {
        self.init(userID: user.userID, email: user.email, displayName: user.displayName, isActive: user.active)
    }
}

extension Baton_Atomic_Identity_V1_User {
    public init(_ account: UserAccount) {
        self.init()
        userID = account.userID
        email = account.email
        displayName = account.displayName
        active = account.isActive
    }
}

extension TenantMembership {
    public init(_ membership: Baton_Atomic_Tenant_V1_Membership) {
        self.init(tenantID: membership.tenantID, userID: membership.userID, role: membership.role)
    }
}

extension Baton_Atomic_Tenant_V1_Membership {
    public init(_ membership: TenantMembership) {
        self.init()
        tenantID = membership.tenantID
        userID = membership.userID
        role = membership.role
    }
}

extension AuditEntry {
    public init(_ entry: Baton_Atomic_Audit_V1_AuditEntry) {
        self.init(action: entry.action, actorID: entry.actorID, subjectID: entry.subjectID, tenantID: entry.tenantID, detail: entry.detail)
    }
}

extension Baton_Atomic_Audit_V1_AuditEntry {
    public init(_ entry: AuditEntry) {
        self.init()
        action = entry.action
        actorID = entry.actorID
        subjectID = entry.subjectID
        tenantID = entry.tenantID
        detail = entry.detail
    }
}

extension AuditReceipt {
    public init(_ receipt: Baton_Atomic_Audit_V1_AuditReceipt) {
        self.init(recordID: receipt.recordID)
    }
}

extension Baton_Atomic_Audit_V1_AuditReceipt {
    public init(_ receipt: AuditReceipt) {
        self.init()
        recordID = receipt.recordID
    }
}

extension NotificationMessage {
    public init(_ request: Baton_Atomic_Notifier_V1_SendUserNotificationRequest) {
        self.init(recipientUserID: request.recipientUserID, template: request.template, parameters: request.parameters)
    }
}

extension NotificationReceipt {
    public init(_ notification: Baton_Atomic_Notifier_V1_Notification) {
        self.init(notificationID: notification.notificationID)
    }
}

extension Baton_Atomic_Notifier_V1_Notification {
    public init(_ receipt: NotificationReceipt) {
        self.init()
        notificationID = receipt.notificationID
    }
}

extension Session {
    public init(_ session: Baton_Atomic_Session_V1_Session) {
        self.init(sessionID: session.sessionID, token: session.token, userID: session.userID, tenantID: session.tenantID)
    }
}

extension Baton_Atomic_Session_V1_Session {
    public init(_ session: Session) {
        self.init()
        sessionID = session.sessionID
        token = session.token
        userID = session.userID
        tenantID = session.tenantID
    }
}

extension MfaChallenge {
    public init(_ challenge: Baton_Atomic_Identity_V1_Challenge) {
        self.init(challengeID: challenge.challengeID, userID: challenge.userID)
    }
}

extension Baton_Atomic_Identity_V1_Challenge {
    public init(_ challenge: MfaChallenge) {
        self.init()
        challengeID = challenge.challengeID
        userID = challenge.userID
    }
}
