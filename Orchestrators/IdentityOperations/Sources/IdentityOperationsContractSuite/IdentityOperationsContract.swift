import BatonContractTesting
import IdentityOperations

/// Everything IdentityOperations relies on from its contracts, checked against any adapter.
///
/// Uses only the contracts and the factory's seeding and inspection hooks, so it runs unchanged
/// against the in-memory adapter and against adapters that call remote services.
public enum IdentityOperationsContract {
    public static let checks: [ContractCheck<any IdentityOperationsBackendFactory>] = users + memberships + records + sessions + mfa

    typealias Check = ContractCheck<any IdentityOperationsBackendFactory>
    static let ada = NewUser(email: "ada@example.com", displayName: "Ada")

    static func hasCode(_ code: IdentityOperationsError.Code) -> (IdentityOperationsError) -> Bool { { $0.code == code } }

    static let users: [Check] = [
        Check("createUser creates once per key; the email is then taken") { factory in
            let backend = try await factory.makeBackend()
            let directory = backend.services.users
            let first = try await directory.createUser(ada, idempotencyKey: "k-1")
            let again = try await directory.createUser(ada, idempotencyKey: "k-1")
            try requireEqual(again, first, "a repeated create returns the first user")
            try require(first.isActive, "a new user is active")
            try requireEqual(try await directory.user(id: first.userID), first, "reading the created user")
            try await requireThrows(IdentityOperationsError.self, "creating the same email under another key", matching: hasCode(.alreadyExists)) {
                _ = try await directory.createUser(ada, idempotencyKey: "k-2")
            }
        },
        Check("deleteUser undoes createUser once; unknown users are not found") { factory in
            let backend = try await factory.makeBackend()
            let directory = backend.services.users
            let user = try await directory.createUser(ada, idempotencyKey: "k-1")
            try await directory.deleteUser(userID: user.userID, idempotencyKey: "u-1")
            try await directory.deleteUser(userID: user.userID, idempotencyKey: "u-1")
            try await requireThrows(IdentityOperationsError.self, "reading a deleted user", matching: hasCode(.notFound)) {
                _ = try await directory.user(id: user.userID)
            }
            try await requireThrows(IdentityOperationsError.self, "deleting again under another key", matching: hasCode(.alreadyUndone)) {
                try await directory.deleteUser(userID: user.userID, idempotencyKey: "u-2")
            }
            try await requireThrows(IdentityOperationsError.self, "deleting an unknown user", matching: hasCode(.notFound)) {
                try await directory.deleteUser(userID: "nope", idempotencyKey: "u-3")
            }
            let again = try await directory.createUser(ada, idempotencyKey: "k-2")
            try require(again.userID != user.userID, "a deleted user's email can be registered again")
        },
        Check("disableUser disables; unknown users are not found") { factory in
            let backend = try await factory.makeBackend()
            let directory = backend.services.users
            let user = try await directory.createUser(ada, idempotencyKey: "k-1")
            let disabled = try await directory.disableUser(userID: user.userID, idempotencyKey: "d-1")
            try require(!disabled.isActive, "the answer shows the user disabled")
            try require(try await !directory.user(id: user.userID).isActive, "a read shows the user disabled")
            try await requireThrows(IdentityOperationsError.self, "disabling an unknown user", matching: hasCode(.notFound)) {
                _ = try await directory.disableUser(userID: "nope", idempotencyKey: "d-2")
            }
        },
    ]

    static let memberships: [Check] = [
        Check("addMember adds once per key; removeMember undoes it once") { factory in
            let backend = try await factory.makeBackend()
            try await backend.createTenant("t-1")
            let tenants = backend.services.memberships
            let first = try await tenants.addMember(tenantID: "t-1", userID: "u-1", role: "admin", idempotencyKey: "k-1")
            let again = try await tenants.addMember(tenantID: "t-1", userID: "u-1", role: "admin", idempotencyKey: "k-1")
            try requireEqual(again, first, "a repeated add returns the first membership")
            try requireEqual(try await tenants.memberships(userID: "u-1"), [first], "memberships after a repeated add")
            try await requireThrows(IdentityOperationsError.self, "adding again under another key", matching: hasCode(.alreadyExists)) {
                _ = try await tenants.addMember(tenantID: "t-1", userID: "u-1", role: "admin", idempotencyKey: "k-2")
            }
            try await tenants.removeMember(tenantID: "t-1", userID: "u-1", idempotencyKey: "u-1")
            try await tenants.removeMember(tenantID: "t-1", userID: "u-1", idempotencyKey: "u-1")
            try requireEqual(try await tenants.memberships(userID: "u-1"), [], "memberships after remove")
            try await requireThrows(IdentityOperationsError.self, "removing a non-member under another key", matching: hasCode(.notFound)) {
                try await tenants.removeMember(tenantID: "t-1", userID: "u-1", idempotencyKey: "u-2")
            }
        },
        Check("memberships lists one user's memberships, in tenant order") { factory in
            let backend = try await factory.makeBackend()
            try await backend.createTenant("t-b")
            try await backend.createTenant("t-a")
            let tenants = backend.services.memberships
            let b = try await tenants.addMember(tenantID: "t-b", userID: "u-1", role: "member", idempotencyKey: "k-1")
            let a = try await tenants.addMember(tenantID: "t-a", userID: "u-1", role: "admin", idempotencyKey: "k-2")
            _ = try await tenants.addMember(tenantID: "t-a", userID: "u-2", role: "member", idempotencyKey: "k-3")
            try requireEqual(try await tenants.memberships(userID: "u-1"), [a, b], "u-1's memberships")
            try await tenants.removeMember(tenantID: "t-a", userID: "u-1", idempotencyKey: "r-1")
            try requireEqual(try await tenants.memberships(userID: "u-1"), [b], "u-1's memberships after leaving t-a")
            try requireEqual(try await tenants.memberships(userID: "u-2").map(\.tenantID), ["t-a"], "u-2's memberships")
        },
        Check("addMember to an unknown tenant is not found") { factory in
            let backend = try await factory.makeBackend()
            try await requireThrows(IdentityOperationsError.self, "joining an unknown tenant", matching: hasCode(.notFound)) {
                _ = try await backend.services.memberships.addMember(tenantID: "nope", userID: "u-1", role: "member", idempotencyKey: "k-1")
            }
        },
    ]

    static let records: [Check] = [
        Check("audit records and notifications are written once per key") { factory in
            let backend = try await factory.makeBackend()
            let entry = AuditEntry(action: "user.registered", actorID: "admin", subjectID: "u-1")
            let receipt = try await backend.services.audit.record(entry, idempotencyKey: "k-1")
            try requireEqual(try await backend.services.audit.record(entry, idempotencyKey: "k-1"), receipt, "a repeated record")
            try requireEqual(try await backend.auditActions(subjectID: "u-1"), ["user.registered"], "audit trail")
            let message = NotificationMessage(recipientUserID: "u-1", template: "welcome")
            let sent = try await backend.services.notifications.send(message, idempotencyKey: "n-1")
            try requireEqual(try await backend.services.notifications.send(message, idempotencyKey: "n-1"), sent, "a repeated send")
            try requireEqual(try await backend.notificationCount(userID: "u-1"), 1, "messages sent")
        },
    ]

    static let sessions: [Check] = [
        Check("sessions are created once per key and revoked once") { factory in
            let backend = try await factory.makeBackend()
            let store = backend.services.sessions
            let first = try await store.createSession(userID: "u-1", tenantID: "t-1", idempotencyKey: "k-1")
            try requireEqual(try await store.createSession(userID: "u-1", tenantID: "t-1", idempotencyKey: "k-1"), first, "a repeated create")
            try require(!first.token.isEmpty, "a session has a token")
            try requireEqual(try await store.activeSessions(userID: "u-1"), [first], "active sessions")
            try await store.revokeSession(sessionID: first.sessionID, idempotencyKey: "r-1")
            try await store.revokeSession(sessionID: first.sessionID, idempotencyKey: "r-1")
            try requireEqual(try await store.activeSessions(userID: "u-1"), [], "active sessions after revoke")
            try await requireThrows(IdentityOperationsError.self, "revoking again under another key", matching: hasCode(.alreadyUndone)) {
                try await store.revokeSession(sessionID: first.sessionID, idempotencyKey: "r-2")
            }
            try await requireThrows(IdentityOperationsError.self, "revoking an unknown session", matching: hasCode(.notFound)) {
                try await store.revokeSession(sessionID: "nope", idempotencyKey: "r-3")
            }
        },
        Check("revokeAllSessions revokes every active session and answers the first count on a repeat") { factory in
            let backend = try await factory.makeBackend()
            let store = backend.services.sessions
            _ = try await store.createSession(userID: "u-1", tenantID: "t-1", idempotencyKey: "k-1")
            _ = try await store.createSession(userID: "u-1", tenantID: "t-2", idempotencyKey: "k-2")
            let other = try await store.createSession(userID: "u-2", tenantID: "t-1", idempotencyKey: "k-3")
            try requireEqual(try await store.revokeAllSessions(userID: "u-1", idempotencyKey: "r-1"), 2, "revoked")
            try requireEqual(try await store.revokeAllSessions(userID: "u-1", idempotencyKey: "r-1"), 2, "a repeated revoke answers the first count")
            try requireEqual(try await store.activeSessions(userID: "u-1"), [], "u-1's sessions")
            try requireEqual(try await store.activeSessions(userID: "u-2"), [other], "another user's sessions are untouched")
        },
    ]

    static let mfa: [Check] = [
        Check("a challenge activated with its code enrols the user once") { factory in
            let backend = try await factory.makeBackend()
            let mfa = backend.services.mfa
            let challenge = try await mfa.issueChallenge(userID: "u-1", idempotencyKey: "k-1")
            try requireEqual(try await mfa.issueChallenge(userID: "u-1", idempotencyKey: "k-1"), challenge, "a repeated issue")
            try require(try await !mfa.isEnrolled(userID: "u-1"), "not enrolled before activation")
            let code = try await backend.code(forChallenge: challenge.challengeID)
            try await requireThrows(IdentityOperationsError.self, "activating with a wrong code", matching: hasCode(.invalidCode)) {
                try await mfa.activate(challengeID: challenge.challengeID, code: code + "9", idempotencyKey: "a-0")
            }
            try await mfa.activate(challengeID: challenge.challengeID, code: code, idempotencyKey: "a-1")
            try await mfa.activate(challengeID: challenge.challengeID, code: code, idempotencyKey: "a-1")
            try require(try await mfa.isEnrolled(userID: "u-1"), "enrolled after activation")
            try require(try await mfa.verify(userID: "u-1", code: code), "the enrolled code verifies")
            try require(try await !mfa.verify(userID: "u-1", code: code + "9"), "another code does not verify")
        },
        Check("a cancelled challenge no longer activates; unknown challenges are not found") { factory in
            let backend = try await factory.makeBackend()
            let mfa = backend.services.mfa
            let challenge = try await mfa.issueChallenge(userID: "u-1", idempotencyKey: "k-1")
            let code = try await backend.code(forChallenge: challenge.challengeID)
            try await mfa.cancelChallenge(challengeID: challenge.challengeID, idempotencyKey: "c-1")
            try await mfa.cancelChallenge(challengeID: challenge.challengeID, idempotencyKey: "c-1")
            try await requireThrows(IdentityOperationsError.self, "activating a cancelled challenge", matching: hasCode(.alreadyUndone)) {
                try await mfa.activate(challengeID: challenge.challengeID, code: code, idempotencyKey: "a-1")
            }
            try await requireThrows(IdentityOperationsError.self, "cancelling again under another key", matching: hasCode(.alreadyUndone)) {
                try await mfa.cancelChallenge(challengeID: challenge.challengeID, idempotencyKey: "c-2")
            }
            try await requireThrows(IdentityOperationsError.self, "activating an unknown challenge", matching: hasCode(.notFound)) {
                try await mfa.activate(challengeID: "nope", code: code, idempotencyKey: "a-2")
            }
            try require(try await !mfa.isEnrolled(userID: "u-1"), "not enrolled")
        },
    ]
}
