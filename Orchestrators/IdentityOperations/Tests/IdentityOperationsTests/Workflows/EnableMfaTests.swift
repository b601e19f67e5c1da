import BatonWorkflow
import BatonWorkflowTesting
import IdentityOperations
import IdentityOperationsInMemory
import Testing

@Suite("EnableMfa workflow (in-memory adapter, manual clock)")
struct EnableMfaTests {
    typealias Step = EnableMfa.Step

    /// Starts EnableMfa for a new member and waits until its challenge is issued; returns the user, the workflow id and the code.
    func startEnrolment(_ h: IdentityHarness, engine: WorkflowEngine) async throws -> (user: UserAccount, id: String, code: String) {
        let user = try await h.member()
        let started = try await h.orchestrator.enableMfa(EnableMfaRequest(userID: user.userID), engine: engine)
        try await engine.waitForStep(Step.issueChallenge, of: started.id, .completed)
        let challenge = try #require(try await engine.snapshot(id: started.id).outputs[Step.issueChallenge]).decode(MfaChallenge.self)
        return (user, started.id, try #require(h.backend.code(forChallenge: challenge.challengeID)))
    }

    @Test("a verification signal sent while the workflow waits activates MFA")
    func signalAfterWait() async throws {
        let h = try IdentityHarness()
        let (final, user) = try await withRunningEngine(h.engine) { engine in
            let (user, id, code) = try await startEnrolment(h, engine: engine)
            try await engine.waitForStep(Step.awaitVerification, of: id, .waiting)
            try await h.orchestrator.verifyMfa(userID: user.userID, code: code, engine: engine)
            return (try await engine.waitForCompletion(id: id), user)
        }
        #expect(final.status == .completed)
        #expect(try await h.backend.isEnrolled(userID: user.userID))
    }

    @Test("a verification signal that arrives before the wait is kept and consumed")
    func signalBeforeWait() async throws {
        let h = try IdentityHarness()
        let user = try await h.member()
        h.backend.addLatency(.seconds(1), to: .issueChallenge, calls: 1)
        let final = try await withRunningEngine(h.engine) { engine in
            let started = try await h.orchestrator.enableMfa(EnableMfaRequest(userID: user.userID), engine: engine)
            try await engine.waitForStep(Step.issueChallenge, of: started.id, .running)
            let issued = h.clock.now().advanced(by: .seconds(1))
            try await eventually("the challenge call is in flight") { h.clock.sleepingUntil.contains(issued) }
            // Paused while the challenge is issued, the workflow does not reach its wait.
            try await engine.pause(id: started.id)
            h.clock.advance(by: .seconds(1))
            try await engine.waitForStep(Step.issueChallenge, of: started.id, .completed)
            let challenge = try #require(try await engine.snapshot(id: started.id).outputs[Step.issueChallenge]).decode(MfaChallenge.self)
            let code = try #require(h.backend.code(forChallenge: challenge.challengeID))
            try await h.orchestrator.verifyMfa(userID: user.userID, code: code, engine: engine)
            let early = try await engine.snapshot(id: started.id)
            #expect(early.pendingSignals.map(\.name) == [EnableMfa.verificationSignal])
            #expect(early.step(Step.awaitVerification)?.status == .pending)
            try await engine.resume(id: started.id)
            return try await engine.waitForCompletion(id: started.id)
        }
        #expect(final.status == .completed)
        #expect(final.outputs[Step.awaitVerification]?["code"] != nil)
        #expect(try await h.backend.isEnrolled(userID: user.userID))
    }

    @Test("a wrong code rolls the challenge back")
    func wrongCode() async throws {
        let h = try IdentityHarness()
        let (final, user, challengeID) = try await withRunningEngine(h.engine) { engine in
            let (user, id, code) = try await startEnrolment(h, engine: engine)
            try await h.orchestrator.verifyMfa(userID: user.userID, code: code + "0", engine: engine)
            let final = try await engine.waitForCompletion(id: id)
            return (final, user, try #require(final.outputs[Step.issueChallenge]).decode(MfaChallenge.self).challengeID)
        }
        #expect(final.status == .compensated)
        #expect(final.error?.code == .failedPrecondition)
        #expect(try await h.engine.compensationsRun(final.id) == [Step.issueChallenge])
        #expect(h.backend.challengeState(challengeID) == "cancelled")
        #expect(try await !h.backend.isEnrolled(userID: user.userID))
    }

    @Test("without a verification before the timeout the challenge is cancelled")
    func verificationTimeout() async throws {
        let h = try IdentityHarness()
        let (final, challengeID) = try await withRunningEngine(h.engine) { engine in
            let (_, id, _) = try await startEnrolment(h, engine: engine)
            try await engine.waitForStep(Step.awaitVerification, of: id, .waiting)
            let deadline = h.clock.now().advanced(by: EnableMfa.verificationTimeout)
            try await eventually("the wait sleeps until its timeout") { h.clock.sleepingUntil.contains(deadline) }
            h.clock.advance(to: deadline)
            let final = try await engine.waitForCompletion(id: id)
            return (final, try #require(final.outputs[Step.issueChallenge]).decode(MfaChallenge.self).challengeID)
        }
        #expect(final.status == .compensated)
        #expect(final.failedStep == Step.awaitVerification)
        #expect(final.error?.code == .deadlineExceeded)
        #expect(h.backend.challengeState(challengeID) == "cancelled")
    }

    @Test("cancelling an enrolment that waits for its code cancels the challenge")
    func cancelWhileWaiting() async throws {
        let h = try IdentityHarness()
        let (compensations, final) = try await withRunningEngine(h.engine) { engine in
            let (_, id, _) = try await startEnrolment(h, engine: engine)
            try await engine.waitForStep(Step.awaitVerification, of: id, .waiting)
            let compensations = try await engine.cancel(id: id, reason: "user gave up")
            return (compensations, try await engine.waitForCompletion(id: id))
        }
        #expect(compensations == [Step.issueChallenge])
        #expect(final.status == .compensated)
        #expect(h.backend.effects(of: .cancelChallenge) == 1)
    }
}
