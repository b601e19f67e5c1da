import BatonInMemorySupport
import IdentityOperations

typealias Failure = IdentityOperationsError

extension IdentityOperationsAdapters.InMemory: UserDirectory {
    public func createUser(_ user: NewUser, idempotencyKey: String) async throws -> UserAccount {
        try await store.perform(.createUser, idempotencyKey: idempotencyKey) { (s: inout State) throws(Failure) in
            let email = user.email.lowercased()
            guard !email.isEmpty else { throw Failure(.invalidArgument, "a user needs an email") }
            guard s.userIDsByEmail[email] == nil else { throw Failure(.alreadyExists, "email \(email) is taken") }
            let account = UserAccount(userID: s.ids.next("usr"), email: email, displayName: user.displayName, isActive: true)
            s.users[account.userID] = Undoable(value: account)
            s.userIDsByEmail[email] = account.userID
            return account
        }
    }

    public func deleteUser(userID: String, idempotencyKey: String) async throws {
        try await store.perform(.deleteUser, idempotencyKey: idempotencyKey) { (s: inout State) throws(Failure) in
            let account = try undo(&s.users, userID, "user")
            s.userIDsByEmail[account.email] = nil
        }
    }

    public func disableUser(userID: String, idempotencyKey: String) async throws -> UserAccount {
        try await store.perform(.disableUser, idempotencyKey: idempotencyKey) { (s: inout State) throws(Failure) in
            guard var account = s.activeUser(userID) else { throw Failure(.notFound, "no user '\(userID)'") }
            account.isActive = false
            s.users[userID]?.value = account
            return account
        }
    }

    public func user(id: String) async throws -> UserAccount {
        try await store.perform(.readUser, idempotencyKey: nil) { (s: inout State) throws(Failure) in
            guard let account = s.activeUser(id) else { throw Failure(.notFound, "no user '\(id)'") }
            return account
        }
    }
}

extension IdentityOperationsAdapters.InMemory: TenantMemberships {
    public func addMember(tenantID: String, userID: String, role: String, idempotencyKey: String) async throws -> TenantMembership {
        try await store.perform(.addMember, idempotencyKey: idempotencyKey) { (s: inout State) throws(Failure) in
            guard s.tenants.contains(tenantID) else { throw Failure(.notFound, "no tenant '\(tenantID)'") }
            let key = State.membershipKey(tenantID, userID)
            guard s.memberships[key] == nil else { throw Failure(.alreadyExists, "\(userID) is already a member of \(tenantID)") }
            let membership = TenantMembership(tenantID: tenantID, userID: userID, role: role)
            s.memberships[key] = membership
            s.tenantIDsByUser[userID, default: []].insert(tenantID)
            return membership
        }
    }

    public func removeMember(tenantID: String, userID: String, idempotencyKey: String) async throws {
        try await store.perform(.removeMember, idempotencyKey: idempotencyKey) { (s: inout State) throws(Failure) in
            guard s.memberships.removeValue(forKey: State.membershipKey(tenantID, userID)) != nil else {
                throw Failure(.notFound, "\(userID) is not a member of \(tenantID)")
            }
            s.tenantIDsByUser.remove(tenantID, under: userID)
        }
    }

    public func memberships(userID: String) async throws -> [TenantMembership] {
        try await store.perform(.readMemberships, idempotencyKey: nil) { (s: inout State) throws(Failure) in
            (s.tenantIDsByUser[userID] ?? []).sorted().compactMap { s.memberships[State.membershipKey($0, userID)] }
        }
    }
}

extension IdentityOperationsAdapters.InMemory: AuditLog {
    public func record(_ entry: AuditEntry, idempotencyKey: String) async throws -> AuditReceipt {
        try await store.perform(.audit, idempotencyKey: idempotencyKey) { (s: inout State) throws(Failure) in
            guard !entry.action.isEmpty else { throw Failure(.invalidArgument, "an audit entry needs an action") }
            s.audit.append(entry)
            return AuditReceipt(recordID: s.ids.next("aud"))
        }
    }
}

extension IdentityOperationsAdapters.InMemory: Notifications {
    public func send(_ message: NotificationMessage, idempotencyKey: String) async throws -> NotificationReceipt {
        try await store.perform(.notify, idempotencyKey: idempotencyKey) { (s: inout State) throws(Failure) in
            guard !message.template.isEmpty else { throw Failure(.invalidArgument, "a message needs a template") }
            s.notifications.append(message)
            return NotificationReceipt(notificationID: s.ids.next("msg"))
        }
    }
}

extension IdentityOperationsAdapters.InMemory: SessionStore {
    public func createSession(userID: String, tenantID: String, idempotencyKey: String) async throws -> Session {
        try await store.perform(.createSession, idempotencyKey: idempotencyKey) { (s: inout State) throws(Failure) in
            let id = s.ids.next("ses")
            let session = Session(sessionID: id, token: "token-\(id)-\(userID)", userID: userID, tenantID: tenantID)
            s.sessions[id] = Undoable(value: session)
            s.activeSessionIDsByUser[userID, default: []].insert(id)
            return session
        }
    }

    public func revokeSession(sessionID: String, idempotencyKey: String) async throws {
        try await store.perform(.revokeSession, idempotencyKey: idempotencyKey) { (s: inout State) throws(Failure) in
            let session = try undo(&s.sessions, sessionID, "session")
            s.activeSessionIDsByUser.remove(sessionID, under: session.userID)
        }
    }

    public func revokeAllSessions(userID: String, idempotencyKey: String) async throws -> Int {
        try await store.perform(.revokeAllSessions, idempotencyKey: idempotencyKey) { (s: inout State) throws(Failure) in
            let active = s.activeSessionIDsByUser.removeValue(forKey: userID) ?? []
            for id in active { s.sessions[id]?.undone = true }
            return active.count
        }
    }

    public func activeSessions(userID: String) async throws -> [Session] {
        try await store.perform(.readSessions, idempotencyKey: nil) { (s: inout State) throws(Failure) in
            (s.activeSessionIDsByUser[userID] ?? []).sorted().compactMap { s.sessions[$0]?.value }
        }
    }
}

extension IdentityOperationsAdapters.InMemory: MfaChallenges {
    public func issueChallenge(userID: String, idempotencyKey: String) async throws -> MfaChallenge {
        try await store.perform(.issueChallenge, idempotencyKey: idempotencyKey) { (s: inout State) throws(Failure) in
            let challenge = MfaChallenge(challengeID: s.ids.next("mfa"), userID: userID)
            s.challenges[challenge.challengeID] = Undoable(value: Challenge(challenge: challenge, code: String(100_000 + s.ids.last * 7919 % 900_000)))
            return challenge
        }
    }

    public func activate(challengeID: String, code: String, idempotencyKey: String) async throws {
        try await store.perform(.activateMfa, idempotencyKey: idempotencyKey) { (s: inout State) throws(Failure) in
            guard let record = s.challenges[challengeID] else { throw Failure(.notFound, "no challenge '\(challengeID)'") }
            guard !record.undone else { throw Failure(.alreadyUndone, "challenge '\(challengeID)' was cancelled") }
            guard record.value.code == code else { throw Failure(.invalidCode, "wrong code for challenge '\(challengeID)'") }
            s.challenges[challengeID]?.value.activated = true
            s.enrolled[record.value.challenge.userID] = code
        }
    }

    public func cancelChallenge(challengeID: String, idempotencyKey: String) async throws {
        try await store.perform(.cancelChallenge, idempotencyKey: idempotencyKey) { (s: inout State) throws(Failure) in
            let record = try undo(&s.challenges, challengeID, "challenge")
            if record.activated { s.enrolled[record.challenge.userID] = nil }
        }
    }

    public func isEnrolled(userID: String) async throws -> Bool {
        try await store.perform(.readMfa, idempotencyKey: nil) { (s: inout State) throws(Failure) in s.enrolled[userID] != nil }
    }

    public func verify(userID: String, code: String) async throws -> Bool {
        try await store.perform(.readMfa, idempotencyKey: nil) { (s: inout State) throws(Failure) in s.enrolled[userID] == code }
    }
}
