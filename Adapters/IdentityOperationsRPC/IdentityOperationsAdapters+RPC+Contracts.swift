import BatonAtomicAPI
import BatonRPC
import BatonRPCAdapterSupport
import IdentityOperations

extension IdentityOperationsAdapters.RPC: UserDirectory {
    public func createUser(_ user: NewUser, idempotencyKey: String) async throws -> UserAccount {
        var request = Baton_Atomic_Identity_V1_CreateUserRequest()
        request.email = user.email
        request.displayName = user.displayName
        request.idempotencyKey = idempotencyKey
        return UserAccount(try await call(correlationID: user.email) { try await userClient.createUser(request, options: $0) })
    }

    public func deleteUser(userID: String, idempotencyKey: String) async throws {
        var request = Baton_Atomic_Identity_V1_DeleteUserRequest()
        request.userID = userID
        request.idempotencyKey = idempotencyKey
        _ = try await call(correlationID: userID) { try await userClient.deleteUser(request, options: $0) }
    }

    public func disableUser(userID: String, idempotencyKey: String) async throws -> UserAccount {
        var request = Baton_Atomic_Identity_V1_DisableUserRequest()
        request.userID = userID
        request.idempotencyKey = idempotencyKey
        return UserAccount(try await call(correlationID: userID) { try await userClient.disableUser(request, options: $0) })
    }

    public func user(id: String) async throws -> UserAccount {
        var request = Baton_Atomic_Identity_V1_GetUserRequest()
        request.userID = id
        return UserAccount(try await call(correlationID: id) { try await userClient.getUser(request, options: $0) })
    }
}

extension IdentityOperationsAdapters.RPC: TenantMemberships {
    public func addMember(tenantID: String, userID: String, role: String, idempotencyKey: String) async throws -> TenantMembership {
        var request = Baton_Atomic_Tenant_V1_AddMemberRequest()
        request.tenantID = tenantID
        request.userID = userID
        request.role = role
        request.idempotencyKey = idempotencyKey
        return TenantMembership(try await call(correlationID: userID) { try await tenantClient.addMember(request, options: $0) })
    }

    public func removeMember(tenantID: String, userID: String, idempotencyKey: String) async throws {
        var request = Baton_Atomic_Tenant_V1_RemoveMemberRequest()
        request.tenantID = tenantID
        request.userID = userID
        request.idempotencyKey = idempotencyKey
        _ = try await call(correlationID: userID) { try await tenantClient.removeMember(request, options: $0) }
    }

    public func memberships(userID: String) async throws -> [TenantMembership] {
        var request = Baton_Atomic_Tenant_V1_ListMembershipsRequest()
        request.userID = userID
        return try await call(correlationID: userID) { try await tenantClient.listMemberships(request, options: $0) }
            .memberships.map(TenantMembership.init)
    }
}

extension IdentityOperationsAdapters.RPC: AuditLog {
    public func record(_ entry: AuditEntry, idempotencyKey: String) async throws -> AuditReceipt {
        var request = Baton_Atomic_Audit_V1_RecordRequest()
        request.entry = Baton_Atomic_Audit_V1_AuditEntry(entry)
        request.idempotencyKey = idempotencyKey
        return AuditReceipt(try await call(correlationID: entry.subjectID) { try await auditClient.record(request, options: $0) })
    }
}

extension IdentityOperationsAdapters.RPC: Notifications {
    public func send(_ message: NotificationMessage, idempotencyKey: String) async throws -> NotificationReceipt {
        var request = Baton_Atomic_Notifier_V1_SendUserNotificationRequest()
        request.recipientUserID = message.recipientUserID
        request.template = message.template
        request.parameters = message.parameters
        request.idempotencyKey = idempotencyKey
        return NotificationReceipt(
            try await call(correlationID: message.recipientUserID) { try await notifierClient.sendUserNotification(request, options: $0) })
    }
}

extension IdentityOperationsAdapters.RPC: SessionStore {
    public func createSession(userID: String, tenantID: String, idempotencyKey: String) async throws -> Session {
        var request = Baton_Atomic_Session_V1_CreateSessionRequest()
        request.userID = userID
        request.tenantID = tenantID
        request.idempotencyKey = idempotencyKey
        let session = Session(try await call(correlationID: userID) { try await sessionClient.createSession(request, options: $0) })
        users.remember(session.sessionID, belongsTo: userID)
        return session
    }

    public func revokeSession(sessionID: String, idempotencyKey: String) async throws {
        var request = Baton_Atomic_Session_V1_RevokeSessionRequest()
        request.sessionID = sessionID
        request.idempotencyKey = idempotencyKey
        _ = try await call(correlationID: users.owner(of: sessionID)) { try await sessionClient.revokeSession(request, options: $0) }
    }

    public func revokeAllSessions(userID: String, idempotencyKey: String) async throws -> Int {
        var request = Baton_Atomic_Session_V1_RevokeAllSessionsRequest()
        request.userID = userID
        request.idempotencyKey = idempotencyKey
        return Int(clamping: try await call(correlationID: userID) { try await sessionClient.revokeAllSessions(request, options: $0) }.revoked)
    }

    public func activeSessions(userID: String) async throws -> [Session] {
        var request = Baton_Atomic_Session_V1_ListActiveSessionsRequest()
        request.userID = userID
        return try await call(correlationID: userID) { try await sessionClient.listActiveSessions(request, options: $0) }
            .sessions.map(Session.init)
    }
}

extension IdentityOperationsAdapters.RPC: MfaChallenges {
    public func issueChallenge(userID: String, idempotencyKey: String) async throws -> MfaChallenge {
        var request = Baton_Atomic_Identity_V1_IssueChallengeRequest()
        request.userID = userID
        request.idempotencyKey = idempotencyKey
        let challenge = MfaChallenge(try await call(correlationID: userID) { try await mfaClient.issueChallenge(request, options: $0) })
        users.remember(challenge.challengeID, belongsTo: userID)
        return challenge
    }

    public func activate(challengeID: String, code: String, idempotencyKey: String) async throws {
        var request = Baton_Atomic_Identity_V1_ActivateChallengeRequest()
        request.challengeID = challengeID
        request.code = code
        request.idempotencyKey = idempotencyKey
        _ = try await call(correlationID: users.owner(of: challengeID)) { try await mfaClient.activateChallenge(request, options: $0) }
    }

    public func cancelChallenge(challengeID: String, idempotencyKey: String) async throws {
        var request = Baton_Atomic_Identity_V1_CancelChallengeRequest()
        request.challengeID = challengeID
        request.idempotencyKey = idempotencyKey
        _ = try await call(correlationID: users.owner(of: challengeID)) { try await mfaClient.cancelChallenge(request, options: $0) }
    }

    public func isEnrolled(userID: String) async throws -> Bool {
        var request = Baton_Atomic_Identity_V1_GetEnrollmentRequest()
        request.userID = userID
        return try await call(correlationID: userID) { try await mfaClient.getEnrollment(request, options: $0) }.enrolled
    }

    public func verify(userID: String, code: String) async throws -> Bool {
        var request = Baton_Atomic_Identity_V1_VerifyCodeRequest()
        request.userID = userID
        request.code = code
        return try await call(correlationID: userID) { try await mfaClient.verifyCode(request, options: $0) }.valid
    }
}
