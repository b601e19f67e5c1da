import BatonInMemorySupport
import IdentityOperations

extension IdentityOperationsAdapters.InMemory {
    struct Challenge: Sendable {
        var challenge: MfaChallenge
        var code: String
        var activated = false
    }

    struct State: Sendable {
        var ids = SequentialIDs()
        var tenants: Set<String> = []
        var users: [String: Undoable<UserAccount>] = [:]
        var memberships: [String: TenantMembership] = [:]
        var audit: [AuditEntry] = []
        var notifications: [NotificationMessage] = []
        var sessions: [String: Undoable<Session>] = [:]
        var challenges: [String: Undoable<Challenge>] = [:]
        /// The enrolled second factor's code, by user.
        var enrolled: [String: String] = [:]
        // Indexes, so that no call scans every record (their cost would grow with the state).
        /// Users not deleted, by email (unique among them).
        var userIDsByEmail: [String: String] = [:]
        /// The tenants each user is a member of.
        var tenantIDsByUser: [String: Set<String>] = [:]
        /// Each user's sessions not revoked.
        var activeSessionIDsByUser: [String: Set<String>] = [:]

        func activeUser(_ id: String) -> UserAccount? {
            users[id].flatMap { $0.undone ? nil : $0.value }
        }

        static func membershipKey(_ tenantID: String, _ userID: String) -> String { "\(tenantID)|\(userID)" }
    }
}

/// Marks the record `id` undone and returns it.
///
/// - Throws: `notFound` for an unknown id, `alreadyUndone` when it was undone before.
func undo<Value>(_ records: inout [String: Undoable<Value>], _ id: String, _ what: String) throws(IdentityOperationsError) -> Value {
    try records.undo(
        id,
        notFound: { IdentityOperationsError(.notFound, "no \(what) '\(id)'") },
        alreadyUndone: { IdentityOperationsError(.alreadyUndone, "\(what) '\(id)' was already undone") }
    )
}

extension Dictionary where Value == Set<String> {
    /// Removes `member` from the set under `key`, and the set once it is empty.
    mutating func remove(_ member: String, under key: Key) {
        self[key]?.remove(member)
        if self[key]?.isEmpty == true { self[key] = nil }
    }
}
