import BatonWorkflow
import IdentityOperations
import IdentityOperationsContractSuite
import IdentityOperationsInMemory
import Testing

/// The in-memory adapter as a contract-suite backend.
struct InMemoryIdentityBackend: IdentityOperationsTestBackend {
    let backend: IdentityOperationsAdapters.InMemory
    var services: IdentityOperationsServices { backend.services }
    func createTenant(_ tenantID: String) async throws { backend.createTenant(tenantID) }
    func auditActions(subjectID: String) async throws -> [String] { backend.auditTrail.filter { $0.subjectID == subjectID }.map(\.action) }
    func notificationCount(userID: String) async throws -> Int { backend.sentNotifications.filter { $0.recipientUserID == userID }.count }
    func code(forChallenge challengeID: String) async throws -> String { try #require(backend.code(forChallenge: challengeID)) }
}

struct InMemoryIdentityFactory: IdentityOperationsBackendFactory {
    func makeBackend() async throws -> any IdentityOperationsTestBackend {
        InMemoryIdentityBackend(backend: IdentityOperationsAdapters.inMemory())
    }
}

/// An orchestrator on a fresh in-memory backend with tenant `t-1`, and an engine on a manual
/// clock; injected latency sleeps on the same clock.
struct IdentityHarness {
    let clock = ManualWorkflowClock()
    let backend: IdentityOperationsAdapters.InMemory
    let orchestrator: IdentityOperationsOrchestrator
    let engine: WorkflowEngine

    static let registration = RegisterUserRequest(email: "Ada@Example.com", displayName: "Ada", tenantID: "t-1", role: "admin", requestedBy: "root")
    static let registrationID = RegisterUser.workflowID(tenantID: "t-1", email: "ada@example.com")

    init() throws {
        let clock = clock
        backend = IdentityOperationsAdapters.inMemory(.defaults { configuration in
            configuration.sleep = { try await clock.sleep(until: clock.now().advanced(by: $0)) }
        })
        backend.createTenant("t-1")
        orchestrator = IdentityOperationsOrchestrator(services: backend.services)
        engine = try WorkflowEngine(definitions: orchestrator.workflows, store: InMemoryWorkflowStore(), clock: clock)
    }

    /// A user who is an active member of `t-1`, made directly through the contracts.
    func member(_ email: String = "grace@example.com", tenantID: String = "t-1") async throws -> UserAccount {
        let user = try await backend.createUser(NewUser(email: email, displayName: email), idempotencyKey: "seed-\(email)")
        _ = try await backend.addMember(tenantID: tenantID, userID: user.userID, role: "member", idempotencyKey: "seed-\(email)-\(tenantID)")
        return user
    }

    /// Enrols `userID` in MFA directly through the contracts and returns their code.
    func enrol(_ userID: String) async throws -> String {
        let challenge = try await backend.issueChallenge(userID: userID, idempotencyKey: "seed-mfa-\(userID)")
        let code = try #require(backend.code(forChallenge: challenge.challengeID))
        try await backend.activate(challengeID: challenge.challengeID, code: code, idempotencyKey: "seed-mfa-\(userID)")
        return code
    }
}
