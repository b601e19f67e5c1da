import BatonWorkflow
import BatonWorkflowTesting
import IdentityOperations
import IdentityOperationsInMemory
import Testing

@Suite("RegisterUser workflow (in-memory adapter, manual clock)")
struct RegisterUserTests {
    typealias Operation = IdentityOperationsAdapters.InMemory.Operation
    typealias Step = RegisterUser.Step

    @Test("the happy path creates the user, joins the tenant, audits and welcomes once each")
    func happyPath() async throws {
        let h = try IdentityHarness()
        let final = try await withRunningEngine(h.engine) { engine in
            let started = try await h.orchestrator.registerUser(IdentityHarness.registration, engine: engine)
            #expect(started.id == IdentityHarness.registrationID)
            #expect(started.correlationID == "ada@example.com")
            return try await engine.waitForCompletion(id: started.id)
        }
        #expect(final.status == .completed)
        let user = try #require(final.outputs[Step.createUser]).decode(UserAccount.self)
        #expect(user.email == "ada@example.com")
        #expect(try await h.backend.memberships(userID: user.userID).map(\.role) == ["admin"])
        #expect(h.backend.auditTrail.map(\.action) == ["user.registered"])
        #expect(h.backend.sentNotifications.map(\.template) == ["welcome"])
        #expect(h.backend.sentNotifications.first?.recipientUserID == user.userID)
    }

    struct FailureCase: Sendable, CustomTestStringConvertible {
        var step: String
        var operation: Operation
        var code: IdentityOperationsError.Code
        var compensations: [String]
        var testDescription: String { "\(step) fails with \(code)" }
    }

    static let failures = [
        FailureCase(step: Step.createUser, operation: .createUser, code: .alreadyExists, compensations: []),
        FailureCase(step: Step.assignTenant, operation: .addMember, code: .notFound, compensations: [Step.createUser]),
        FailureCase(step: Step.writeAudit, operation: .audit, code: .invalidArgument, compensations: [Step.assignTenant, Step.createUser]),
        FailureCase(step: Step.sendWelcome, operation: .notify, code: .invalidArgument, compensations: [Step.assignTenant, Step.createUser]),
    ]

    @Test("a refusal at step k undoes steps 1..k-1 newest first", arguments: failures)
    func failureAtStep(_ failure: FailureCase) async throws {
        let h = try IdentityHarness()
        h.backend.failNext(1, of: failure.operation, with: failure.code)
        let final = try await withRunningEngine(h.engine) { engine in
            try await h.orchestrator.registerUser(IdentityHarness.registration, engine: engine)
            return try await engine.waitForCompletion(id: IdentityHarness.registrationID)
        }
        #expect(final.status == (failure.compensations.isEmpty ? .failed : .compensated))
        #expect(final.failedStep == failure.step)
        #expect(final.error?.code == failure.code.stepCode)
        #expect(try await h.engine.compensationsRun(IdentityHarness.registrationID) == failure.compensations)
        if let user = try? final.outputs[Step.createUser]?.decode(UserAccount.self) {
            #expect(!h.backend.userExists(user.userID))
            #expect(try await h.backend.memberships(userID: user.userID).isEmpty)
        }
        #expect(h.backend.effects(of: .createUser) == h.backend.effects(of: .deleteUser))
        #expect(h.backend.sentNotifications.isEmpty)
    }

    @Test("an unknown tenant (a real refusal) deletes the created user")
    func unknownTenant() async throws {
        let h = try IdentityHarness()
        var request = IdentityHarness.registration
        request.tenantID = "t-unknown"
        let final = try await withRunningEngine(h.engine) { engine in
            let started = try await h.orchestrator.registerUser(request, engine: engine)
            return try await engine.waitForCompletion(id: started.id)
        }
        #expect(final.status == .compensated)
        #expect(final.error?.code == .notFound)
        #expect(h.backend.effects(of: .deleteUser) == 1)
    }

    @Test("a lost answer from the directory is retried under the same key: one user")
    func transientRetry() async throws {
        let h = try IdentityHarness()
        h.backend.failNext(1, of: .createUser, with: .unavailable, afterEffect: true)
        let final = try await withRunningEngine(h.engine) { engine in
            try await h.orchestrator.registerUser(IdentityHarness.registration, engine: engine)
            try await engine.advanceToRetry(of: Step.createUser, in: IdentityHarness.registrationID, clock: h.clock)
            return try await engine.waitForCompletion(id: IdentityHarness.registrationID)
        }
        #expect(final.status == .completed)
        #expect(final.step(Step.createUser)?.attempts == 2)
        #expect(h.backend.calls(of: .createUser) == 2)
        #expect(h.backend.effects(of: .createUser) == 1)
    }

    @Test("pause holds the registration after the in-flight step; resume finishes it")
    func pauseAndResume() async throws {
        let h = try IdentityHarness()
        h.backend.addLatency(.seconds(2), to: .addMember, calls: 1)
        let final = try await withRunningEngine(h.engine) { engine in
            try await h.orchestrator.registerUser(IdentityHarness.registration, engine: engine)
            try await engine.waitForStep(Step.assignTenant, of: IdentityHarness.registrationID, .running)
            let joinEnds = h.clock.now().advanced(by: .seconds(2))
            try await eventually("the membership call is in flight") { h.clock.sleepingUntil.contains(joinEnds) }
            #expect(try await engine.pause(id: IdentityHarness.registrationID).status == .paused)
            h.clock.advance(by: .seconds(2))
            try await engine.waitForStep(Step.assignTenant, of: IdentityHarness.registrationID, .completed)
            #expect(try await engine.snapshot(id: IdentityHarness.registrationID).status == .paused)
            #expect(h.backend.calls(of: .audit) == 0)
            try await engine.resume(id: IdentityHarness.registrationID)
            return try await engine.waitForCompletion(id: IdentityHarness.registrationID)
        }
        #expect(final.status == .completed)
        #expect(h.backend.auditTrail.count == 1)
    }

    @Test("registering the same email in the same tenant twice starts one workflow")
    func idempotentStart() async throws {
        let h = try IdentityHarness()
        try await withRunningEngine(h.engine) { engine in
            let first = try await h.orchestrator.registerUser(IdentityHarness.registration, engine: engine)
            var shouted = IdentityHarness.registration
            shouted.email = "ADA@EXAMPLE.COM"
            let second = try await h.orchestrator.registerUser(shouted, engine: engine)
            #expect(first.id == second.id)
            _ = try await engine.waitForCompletion(id: first.id)
        }
        #expect(h.backend.effects(of: .createUser) == 1)
        #expect(try await h.engine.list(WorkflowQuery(type: RegisterUser.type)).count == 1)
    }
}
