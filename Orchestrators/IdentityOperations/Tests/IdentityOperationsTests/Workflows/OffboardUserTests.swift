import BatonWorkflow
import BatonWorkflowTesting
import IdentityOperations
import IdentityOperationsInMemory
import Testing

@Suite("OffboardUser workflow (in-memory adapter, manual clock)")
struct OffboardUserTests {
    typealias Step = OffboardUser.Step

    @Test("offboarding revokes sessions, leaves every tenant, disables and audits, in that order")
    func happyPath() async throws {
        let h = try IdentityHarness()
        h.backend.createTenant("t-2")
        let user = try await h.member()
        _ = try await h.backend.addMember(tenantID: "t-2", userID: user.userID, role: "member", idempotencyKey: "seed-t2")
        _ = try await h.orchestrator.issueSession(IssueSessionRequest(userID: user.userID, tenantID: "t-1"), idempotencyKey: "s-1")
        _ = try await h.orchestrator.issueSession(IssueSessionRequest(userID: user.userID, tenantID: "t-2"), idempotencyKey: "s-2")
        let request = OffboardUserRequest(userID: user.userID, requestedBy: "root", reason: "left the company")
        let final = try await withRunningEngine(h.engine) { engine in
            let started = try await h.orchestrator.offboardUser(request, engine: engine)
            #expect(started.correlationID == user.userID)
            return try await engine.waitForCompletion(id: started.id)
        }
        #expect(final.status == .completed)
        #expect(final.steps.map(\.name) == [Step.revokeSessions, Step.removeMemberships, Step.disableUser, Step.writeAudit])
        #expect(final.outputs[Step.revokeSessions] == 2)
        #expect(final.outputs[Step.removeMemberships] == ["t-1", "t-2"])
        #expect(try await h.backend.activeSessions(userID: user.userID).isEmpty)
        #expect(try await h.backend.memberships(userID: user.userID).isEmpty)
        #expect(try await !h.backend.user(id: user.userID).isActive)
        #expect(h.backend.auditTrail.last?.action == "user.offboarded")
        #expect(h.backend.auditTrail.last?.detail == "left the company")
    }

    @Test("offboarding an unknown user fails at disable without undoing anything")
    func unknownUser() async throws {
        let h = try IdentityHarness()
        let final = try await withRunningEngine(h.engine) { engine in
            let started = try await h.orchestrator.offboardUser(OffboardUserRequest(userID: "nope", requestedBy: "root", reason: "-"), engine: engine)
            return try await engine.waitForCompletion(id: started.id)
        }
        #expect(final.status == .failed)
        #expect(final.failedStep == Step.disableUser)
        #expect(final.error?.code == .notFound)
        #expect(try await h.engine.compensationsRun(final.id).isEmpty)
    }

    @Test("an unavailable directory is retried until offboarding completes")
    func retriesForward() async throws {
        let h = try IdentityHarness()
        let user = try await h.member()
        h.backend.failNext(3, of: .disableUser, with: .unavailable)
        let id = OffboardUser.workflowID(userID: user.userID)
        let final = try await withRunningEngine(h.engine) { engine in
            try await h.orchestrator.offboardUser(OffboardUserRequest(userID: user.userID, requestedBy: "root", reason: "-"), engine: engine)
            for _ in 1...3 { try await engine.advanceToRetry(of: Step.disableUser, in: id, clock: h.clock) }
            return try await engine.waitForCompletion(id: id)
        }
        #expect(final.status == .completed)
        #expect(final.step(Step.disableUser)?.attempts == 4)
        #expect(try await !h.backend.user(id: user.userID).isActive)
    }
}
