import BatonWorkflow
import Logging

/// The IdentityOperations orchestrator: the RegisterUser, OffboardUser and EnableMfa workflows,
/// the session coordinator (IssueSession, RevokeSessions) and the listener that revokes a
/// deactivated user's sessions.
///
/// Built from one implementation per contract; the server registers ``workflows`` on its engine
/// and ``listeners`` on its event router.
public struct IdentityOperationsOrchestrator: Sendable {
    public let services: IdentityOperationsServices
    /// The stateless session operations.
    public let sessions: SessionCoordinator
    let logger: Logger

    public init(services: IdentityOperationsServices, logger: Logger = Logger(label: "baton.identity-operations")) {
        self.services = services
        self.sessions = SessionCoordinator(services: services)
        self.logger = logger
    }

    /// Every workflow definition of this orchestrator, to register on the engine.
    public var workflows: [WorkflowDefinition] {
        [RegisterUser.definition(services), OffboardUser.definition(services), EnableMfa.definition(services)]
    }

    /// Every domain-event listener of this orchestrator, to register on the event router.
    public var listeners: [any DomainEventListener] { [UserDeactivatedListener(coordinator: sessions)] }

    /// Starts RegisterUser, idempotently on the tenant and email (correlation id: the email).
    ///
    /// - Throws: ``IdentityOperationsError`` `invalidArgument` without an email or tenant, or the
    ///   engine's ``WorkflowError``.
    @discardableResult
    public func registerUser(_ request: RegisterUserRequest, engine: WorkflowEngine, workflowID: String? = nil) async throws -> WorkflowSnapshot {
        guard !request.email.isEmpty, !request.tenantID.isEmpty else {
            throw IdentityOperationsError(.invalidArgument, "a registration needs an email and a tenant")
        }
        let id = workflowID ?? RegisterUser.workflowID(tenantID: request.tenantID, email: request.email)
        return try await start(RegisterUser.type, id: id, input: request, correlationID: request.email.lowercased(), on: engine)
    }

    /// Starts OffboardUser, idempotently on the user (correlation id: the user id).
    @discardableResult
    public func offboardUser(_ request: OffboardUserRequest, engine: WorkflowEngine, workflowID: String? = nil) async throws -> WorkflowSnapshot {
        try await start(OffboardUser.type, id: workflowID ?? OffboardUser.workflowID(userID: request.userID), input: request, correlationID: request.userID, on: engine)
    }

    /// Starts EnableMfa, idempotently on the user unless a workflow id is given (correlation id: the user id).
    @discardableResult
    public func enableMfa(_ request: EnableMfaRequest, engine: WorkflowEngine, workflowID: String? = nil) async throws -> WorkflowSnapshot {
        try await start(EnableMfa.type, id: workflowID ?? EnableMfa.workflowID(userID: request.userID), input: request, correlationID: request.userID, on: engine)
    }

    /// Delivers the user's code to their waiting EnableMfa workflow (kept if it arrives before the wait).
    @discardableResult
    public func verifyMfa(userID: String, code: String, engine: WorkflowEngine, workflowID: String? = nil) async throws -> WorkflowSnapshot {
        try await engine.signal(
            id: workflowID ?? EnableMfa.workflowID(userID: userID),
            name: EnableMfa.verificationSignal,
            payload: try WorkflowValue(encoding: MfaVerification(code: code))
        )
    }

    /// IssueSession: see ``SessionCoordinator/issueSession(_:idempotencyKey:)``.
    public func issueSession(_ request: IssueSessionRequest, idempotencyKey: String) async throws -> Session {
        try await sessions.issueSession(request, idempotencyKey: idempotencyKey)
    }

    /// RevokeSessions: see ``SessionCoordinator/revokeSessions(userID:reason:idempotencyKey:)``.
    public func revokeSessions(userID: String, reason: String, idempotencyKey: String) async throws -> Int {
        try await sessions.revokeSessions(userID: userID, reason: reason, idempotencyKey: idempotencyKey)
    }

    private func start(_ type: String, id: String, input: some Encodable, correlationID: String, on engine: WorkflowEngine) async throws
        -> WorkflowSnapshot
    {
        logger.debug("starting workflow", metadata: ["type": "\(type)", "workflow": "\(id)"])
        return try await engine.start(type: type, id: id, input: try WorkflowValue(encoding: input), correlationID: correlationID)
    }
}
