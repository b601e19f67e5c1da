import BatonReferenceServices
import BatonReferenceServicesTesting
import BatonWorkflow
import BatonWorkflowSQLite
import BatonWorkflowTesting
import IdentityOperations
import IdentityOperationsInMemory
import IdentityOperationsRPC
import Testing

/// RegisterUser through a real engine (system clock, SQLite in a temporary file), the RPC
/// adapter and the reference services over 127.0.0.1.
@Suite("RegisterUser end to end: engine on SQLite, RPC adapter, reference services over 127.0.0.1")
struct RegisterUserRPCEndToEndTests {
    typealias Step = RegisterUser.Step
    typealias Operation = IdentityOperationsAdapters.InMemory.Operation

    static let request = RegisterUserRequest(email: "ada@example.com", displayName: "Ada", tenantID: "acme", role: "admin", requestedBy: "ops")
    static let workflowID = RegisterUser.workflowID(tenantID: "acme", email: "ada@example.com")

    typealias Harness = EndToEndHarness<IdentityOperationsAdapters.RPC, IdentityOperationsOrchestrator>

    @Test("a registration creates the user, joins the tenant, audits and welcomes once each")
    func success() async throws {
        let h = try await Harness()
        let final = try await h.register()
        await h.tearDown()
        #expect(final.status == .completed)
        let user = try #require(final.outputs[Step.createUser]).decode(UserAccount.self)
        #expect(h.backend.userExists(user.userID))
        #expect(try await h.backend.memberships(userID: user.userID).map(\.role) == ["admin"])
        #expect(h.backend.auditTrail.map(\.action) == ["user.registered"])
        #expect(h.backend.sentNotifications.map(\.template) == ["welcome"])
        #expect(h.backend.sentNotifications.first?.parameters == ["displayName": "Ada", "tenantID": "acme"])
        for operation in [Operation.createUser, .addMember, .audit, .notify] {
            #expect(h.backend.effects(of: operation) == 1, "\(operation)")
        }
    }

    struct RefusalCase: Sendable, CustomTestStringConvertible {
        var step: String
        /// A failure rule to inject, or nil for the natural refusal of an unknown tenant.
        var rule: ReferenceServices.FailureRule?
        var code: IdentityOperationsError.Code
        var compensations: [String]
        var testDescription: String { "\(step) refused with \(code.name)" }
    }

    static let refusals = [
        RefusalCase(step: Step.assignTenant, rule: nil, code: .notFound, compensations: [Step.createUser]),
        RefusalCase(step: Step.writeAudit, rule: .init(method: "Record", count: 1, code: "INVALID_ARGUMENT"), code: .invalidArgument,
                    compensations: [Step.assignTenant, Step.createUser]),
        RefusalCase(step: Step.sendWelcome, rule: .init(method: "SendUserNotification", count: 1, code: "USER_DISABLED"), code: .userDisabled,
                    compensations: [Step.assignTenant, Step.createUser]),
    ]

    @Test("a refusal is not retried and undoes the completed steps newest first over RPC", arguments: refusals)
    func refusal(_ refusal: RefusalCase) async throws {
        let h = try await Harness()
        if let rule = refusal.rule { try h.services.references.failNext(rule) }
        var request = Self.request
        if refusal.rule == nil { request.tenantID = "nope" }
        let final = try await h.register(request)
        let id = RegisterUser.workflowID(tenantID: request.tenantID, email: request.email)
        let compensations = try await h.engine.compensationsRun(id)
        await h.tearDown()
        #expect(final.status == .compensated)
        #expect(final.failedStep == refusal.step)
        #expect(final.error?.code == refusal.code.stepCode)
        #expect(final.step(refusal.step)?.attempts == 1)
        #expect(compensations == refusal.compensations)
        let user = try #require(final.outputs[Step.createUser]).decode(UserAccount.self)
        #expect(!h.backend.userExists(user.userID))
        #expect(try await h.backend.memberships(userID: user.userID).isEmpty)
        #expect(h.backend.effects(of: .deleteUser) == 1)
        #expect(h.backend.effects(of: .removeMember) == (compensations.contains(Step.assignTenant) ? 1 : 0))
    }

    @Test("the services stopped mid-assignment: the step retries and succeeds once they are back on the same port, adding the member once")
    func servicesStoppedMidSaga() async throws {
        let h = try await Harness()
        let port = h.services.port
        try h.services.references.addLatency(.seconds(3), to: "AddMember", calls: 1)
        let final = try await h.register { engine in
            try await h.services.stop(during: Step.assignTenant, of: Self.workflowID, on: engine)
        }
        await h.tearDown()
        #expect(h.services.port == port)
        #expect(final.status == .completed)
        #expect((final.step(Step.assignTenant)?.attempts ?? 0) >= 3)
        let user = try #require(final.outputs[Step.createUser]).decode(UserAccount.self)
        #expect(h.backend.effects(of: .addMember) == 1)
        #expect(try await h.backend.memberships(userID: user.userID).count == 1)
        #expect(h.backend.effects(of: .createUser) == 1)
        #expect(h.backend.auditTrail.count == 1)
        #expect(h.backend.sentNotifications.count == 1)
    }
}

extension EndToEndHarness<IdentityOperationsAdapters.RPC, IdentityOperationsOrchestrator> {
    /// Reference services with the tenant `acme`, an RPC adapter on them, and an engine on a
    /// fresh SQLite file.
    init() async throws {
        try await self.init(
            seed: { $0.identity.createTenant("acme") },
            adapter: { $0.identityAdapter() },
            orchestrator: { IdentityOperationsOrchestrator(services: $0.services) },
            workflows: \.workflows
        )
    }

    var backend: IdentityOperationsAdapters.InMemory { services.references.identity }

    /// Registers `request`, runs `whileRunning` beside it, and returns the final snapshot.
    func register(
        _ request: RegisterUserRequest = RegisterUserRPCEndToEndTests.request,
        whileRunning: @Sendable (WorkflowEngine) async throws -> Void = { _ in }
    ) async throws -> WorkflowSnapshot {
        try await withRunningEngine(engine) { engine in
            let started = try await orchestrator.registerUser(request, engine: engine)
            try await whileRunning(engine)
            return try await engine.waitForCompletion(id: started.id)
        }
    }
}
