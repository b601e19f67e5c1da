import BatonWorkflow

/// Issues and revokes sessions synchronously: the caller gets its answer at once, and a step
/// that fails after a session was opened revokes that session again.
public struct SessionCoordinator: Sendable {
    /// Names of the coordinator's steps, as reported in ``CoordinatorFailure/undone``.
    public enum Step {
        public static let createSession = "create-session"
        public static let writeAudit = "write-audit"
    }

    let services: IdentityOperationsServices

    public init(services: IdentityOperationsServices) {
        self.services = services
    }

    /// Opens a session when the user is active, a member of the tenant, and (when enrolled)
    /// gave a valid MFA code; the session is audited. If the audit fails the session is revoked.
    ///
    /// - Throws: ``IdentityOperationsError`` `notFound` (unknown user), `userDisabled`,
    ///   `notAMember`, `mfaRequired`, or a service's error; its ``IdentityOperationsError/cause``
    ///   is the ``CoordinatorFailure`` listing what was undone.
    public func issueSession(_ request: IssueSessionRequest, idempotencyKey: String) async throws -> Session {
        try await withUndoOnFailure { steps in
            let user = try await services.users.user(id: request.userID)
            guard user.isActive else { throw IdentityOperationsError(.userDisabled, "user \(request.userID) is disabled") }
            let tenants = try await services.memberships.memberships(userID: request.userID).map(\.tenantID)
            guard tenants.contains(request.tenantID) else {
                throw IdentityOperationsError(.notAMember, "user \(request.userID) is not a member of tenant \(request.tenantID)")
            }
            if try await services.mfa.isEnrolled(userID: request.userID) {
                guard let code = request.mfaCode, try await services.mfa.verify(userID: request.userID, code: code) else {
                    throw IdentityOperationsError(.mfaRequired, "user \(request.userID) needs a valid MFA code")
                }
            }
            let session = try await steps.run(Step.createSession) {
                try await services.sessions.createSession(userID: request.userID, tenantID: request.tenantID, idempotencyKey: idempotencyKey)
            } undo: { session in
                try await services.sessions.revokeSession(sessionID: session.sessionID, idempotencyKey: "\(idempotencyKey)/undo")
            }
            try await steps.run(Step.writeAudit) {
                let entry = AuditEntry(action: "session.issued", actorID: request.userID, subjectID: request.userID, tenantID: request.tenantID)
                _ = try await services.audit.record(entry, idempotencyKey: "\(idempotencyKey)/audit")
            }
            return session
        }
    }

    /// Revokes every session of a user and audits it; answers how many sessions were revoked.
    ///
    /// - Throws: ``IdentityOperationsError`` from the session store or the audit log.
    public func revokeSessions(userID: String, reason: String, idempotencyKey: String) async throws -> Int {
        try await withUndoOnFailure { _ in
            let revoked = try await services.sessions.revokeAllSessions(userID: userID, idempotencyKey: idempotencyKey)
            let entry = AuditEntry(action: "sessions.revoked", actorID: "baton", subjectID: userID, detail: "\(revoked) revoked: \(reason)")
            _ = try await services.audit.record(entry, idempotencyKey: "\(idempotencyKey)/audit")
            return revoked
        }
    }

    /// Runs `body` with compensating steps and reports a failure as an ``IdentityOperationsError``
    /// whose cause is the ``CoordinatorFailure``.
    private func withUndoOnFailure<Result>(_ body: (CompensatingSteps) async throws -> Result) async throws -> Result {
        do {
            return try await withCompensatingSteps(body)
        } catch {
            var failure = error.underlying as? IdentityOperationsError ?? IdentityOperationsError(.unavailable, "\(error.underlying)")
            failure.cause = error
            throw failure
        }
    }
}
