import BatonWorkflow
import IdentityOperations
import IdentityOperationsInMemory
import Testing

@Suite("Session coordinator: IssueSession and RevokeSessions")
struct SessionCoordinatorTests {
    @Test("an active member without MFA gets a session with a token, audited")
    func issuesSession() async throws {
        let h = try IdentityHarness()
        let user = try await h.member()
        let session = try await h.orchestrator.issueSession(IssueSessionRequest(userID: user.userID, tenantID: "t-1"), idempotencyKey: "s-1")
        #expect(session.userID == user.userID)
        #expect(session.tenantID == "t-1")
        #expect(!session.token.isEmpty)
        #expect(try await h.backend.activeSessions(userID: user.userID) == [session])
        #expect(h.backend.auditTrail.map(\.action) == ["session.issued"])
        let again = try await h.orchestrator.issueSession(IssueSessionRequest(userID: user.userID, tenantID: "t-1"), idempotencyKey: "s-1")
        #expect(again == session, "the same key answers the same session")
        #expect(h.backend.effects(of: .createSession) == 1)
    }

    @Test("an enrolled member needs a valid MFA code")
    func mfaSatisfied() async throws {
        let h = try IdentityHarness()
        let user = try await h.member()
        let code = try await h.enrol(user.userID)
        let session = try await h.orchestrator.issueSession(IssueSessionRequest(userID: user.userID, tenantID: "t-1", mfaCode: code), idempotencyKey: "s-1")
        #expect(session.userID == user.userID)
    }

    enum Refusal: String, Sendable, CaseIterable {
        case unknownUser, disabledUser, notAMember, missingMfaCode, wrongMfaCode
    }

    @Test("each refusal is answered with its code and opens no session", arguments: Refusal.allCases)
    func refusals(_ refusal: Refusal) async throws {
        let h = try IdentityHarness()
        let user = try await h.member()
        var request = IssueSessionRequest(userID: user.userID, tenantID: "t-1")
        let expected: IdentityOperationsError.Code
        switch refusal {
        case .unknownUser:
            request.userID = "nope"
            expected = .notFound
        case .disabledUser:
            _ = try await h.backend.disableUser(userID: user.userID, idempotencyKey: "d-1")
            expected = .userDisabled
        case .notAMember:
            h.backend.createTenant("t-2")
            request.tenantID = "t-2"
            expected = .notAMember
        case .missingMfaCode:
            _ = try await h.enrol(user.userID)
            expected = .mfaRequired
        case .wrongMfaCode:
            request.mfaCode = try await h.enrol(user.userID) + "0"
            expected = .mfaRequired
        }
        let error = await #expect(throws: IdentityOperationsError.self) {
            try await h.orchestrator.issueSession(request, idempotencyKey: "s-1")
        }
        #expect(error?.code == expected)
        #expect(h.backend.effects(of: .createSession) == 0)
        #expect(h.backend.auditTrail.isEmpty)
    }

    @Test("a failing audit revokes the session just opened")
    func auditFailureUndoesSession() async throws {
        let h = try IdentityHarness()
        let user = try await h.member()
        h.backend.failNext(1, of: .audit, with: .unavailable)
        let error = await #expect(throws: IdentityOperationsError.self) {
            try await h.orchestrator.issueSession(IssueSessionRequest(userID: user.userID, tenantID: "t-1"), idempotencyKey: "s-1")
        }
        #expect(error?.code == .unavailable)
        #expect((error?.cause as? CoordinatorFailure)?.undone == [SessionCoordinator.Step.createSession])
        #expect(h.backend.effects(of: .createSession) == 1)
        #expect(h.backend.effects(of: .revokeSession) == 1)
        #expect(try await h.backend.activeSessions(userID: user.userID).isEmpty)
    }

    @Test("RevokeSessions revokes every session of the user once and audits it")
    func revokeSessions() async throws {
        let h = try IdentityHarness()
        let user = try await h.member()
        let other = try await h.member("hopper@example.com")
        for key in ["s-1", "s-2"] {
            _ = try await h.orchestrator.issueSession(IssueSessionRequest(userID: user.userID, tenantID: "t-1"), idempotencyKey: key)
        }
        let kept = try await h.orchestrator.issueSession(IssueSessionRequest(userID: other.userID, tenantID: "t-1"), idempotencyKey: "s-3")
        #expect(try await h.orchestrator.revokeSessions(userID: user.userID, reason: "password reset", idempotencyKey: "r-1") == 2)
        #expect(try await h.orchestrator.revokeSessions(userID: user.userID, reason: "password reset", idempotencyKey: "r-1") == 2)
        #expect(try await h.backend.activeSessions(userID: user.userID).isEmpty)
        #expect(try await h.backend.activeSessions(userID: other.userID) == [kept])
        #expect(h.backend.auditTrail.filter { $0.action == "sessions.revoked" }.count == 1)
    }
}
