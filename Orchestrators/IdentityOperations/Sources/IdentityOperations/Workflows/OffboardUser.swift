import BatonWorkflow

/// OffboardUser: revoke every session → remove every tenant membership → disable the user →
/// write the audit record.
///
/// Offboarding only moves forward: nothing is compensated (a half-offboarded user must not be
/// given their access back), so each step retries transient failures patiently instead.
public enum OffboardUser {
    /// The workflow type name registered on the engine.
    public static let type = "OffboardUser"

    /// Step names, as they appear in snapshots and histories.
    public enum Step {
        public static let revokeSessions = "revoke-sessions"
        public static let removeMemberships = "remove-memberships"
        public static let disableUser = "disable-user"
        public static let writeAudit = "write-audit"
    }

    /// The workflow id used for an offboarding unless the caller chooses one.
    public static func workflowID(userID: String) -> String { "\(type)-\(userID)" }

    static func definition(_ services: IdentityOperationsServices) -> WorkflowDefinition {
        let (users, memberships, audit, sessions) = (services.users, services.memberships, services.audit, services.sessions)
        let request = OffboardUserRequest.self
        let configuration = WorkflowDefinition.Configuration.defaults {
            $0.retry = .defaults { $0.maxAttempts = 10 }
        }
        return WorkflowDefinition(type, version: 1, configuration: configuration) {
            StepDefinition.call(Step.revokeSessions, action: typedStep(request) { context, request in
                try await sessions.revokeAllSessions(userID: request.userID, idempotencyKey: context.idempotencyKey)
            }).timeout(.seconds(10))

            StepDefinition.call(Step.removeMemberships, action: typedStep(request) { context, request in
                let current = try await memberships.memberships(userID: request.userID)
                for membership in current {
                    try await memberships.removeMember(tenantID: membership.tenantID, userID: request.userID,
                                                       idempotencyKey: "\(context.idempotencyKey)/\(membership.tenantID)")
                }
                return current.map(\.tenantID)
            }).timeout(.seconds(30))

            StepDefinition.call(Step.disableUser, action: typedStep(request) { context, request in
                try await users.disableUser(userID: request.userID, idempotencyKey: context.idempotencyKey)
            }).timeout(.seconds(10))

            StepDefinition.call(Step.writeAudit, action: typedStep(request) { context, request in
                let entry = AuditEntry(action: "user.offboarded", actorID: request.requestedBy, subjectID: request.userID, detail: request.reason)
                return try await audit.record(entry, idempotencyKey: context.idempotencyKey)
            }).timeout(.seconds(10))
        }
        .input(OffboardUserRequest.self)
    }
}
