import BatonWorkflow

/// RegisterUser: create the user → assign the tenant → write the audit record → send the
/// welcome notification. A failure undoes the completed steps newest first: remove the tenant
/// membership, delete the user.
public enum RegisterUser {
    /// The workflow type name registered on the engine.
    public static let type = "RegisterUser"

    /// Step names, as they appear in snapshots, histories and compensation lists.
    public enum Step {
        public static let createUser = "create-user"
        public static let assignTenant = "assign-tenant"
        public static let writeAudit = "write-audit"
        public static let sendWelcome = "send-welcome"
    }

    /// The workflow id used for a registration unless the caller chooses one.
    public static func workflowID(tenantID: String, email: String) -> String { "\(type)-\(tenantID)-\(email.lowercased())" }

    static func createdUser(_ context: StepContext) throws -> UserAccount {
        try context.output(of: Step.createUser, as: UserAccount.self)
    }

    static func definition(_ services: IdentityOperationsServices) -> WorkflowDefinition {
        let (users, memberships, audit, notifications) = (services.users, services.memberships, services.audit, services.notifications)
        let request = RegisterUserRequest.self
        let configuration = WorkflowDefinition.Configuration.defaults {
            $0.retry = .defaults { $0.maxAttempts = 5 }
            $0.timeout = .seconds(10 * 60)
        }
        return WorkflowDefinition(type, version: 1, configuration: configuration) {
            StepDefinition.call(Step.createUser, action: typedStep(request) { context, request in
                try await users.createUser(NewUser(email: request.email, displayName: request.displayName), idempotencyKey: context.idempotencyKey)
            }, compensate: typedStep(request) { context, _ in
                try await users.deleteUser(userID: try createdUser(context).userID, idempotencyKey: context.idempotencyKey)
            }).timeout(.seconds(10))

            StepDefinition.call(Step.assignTenant, action: typedStep(request) { context, request in
                try await memberships.addMember(tenantID: request.tenantID, userID: try createdUser(context).userID, role: request.role,
                                                idempotencyKey: context.idempotencyKey)
            }, compensate: typedStep(request) { context, request in
                try await memberships.removeMember(tenantID: request.tenantID, userID: try createdUser(context).userID, idempotencyKey: context.idempotencyKey)
            }).timeout(.seconds(10))

            StepDefinition.call(Step.writeAudit, action: typedStep(request) { context, request in
                let entry = AuditEntry(action: "user.registered", actorID: request.requestedBy, subjectID: try createdUser(context).userID,
                                       tenantID: request.tenantID, detail: "role \(request.role)")
                return try await audit.record(entry, idempotencyKey: context.idempotencyKey)
            }).timeout(.seconds(10))

            StepDefinition.call(Step.sendWelcome, action: typedStep(request) { context, request in
                let message = NotificationMessage(recipientUserID: try createdUser(context).userID, template: "welcome",
                                                  parameters: ["displayName": request.displayName, "tenantID": request.tenantID])
                return try await notifications.send(message, idempotencyKey: context.idempotencyKey)
            }).retry(.defaults { $0.maxAttempts = 8 }).timeout(.seconds(10))
        }
        .input(RegisterUserRequest.self)
    }
}
