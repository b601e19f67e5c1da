import BatonWorkflow
import IdentityOperations
import IdentityOperationsInMemory
import Testing

@Suite("UserDeactivated listener")
struct UserDeactivatedListenerTests {
    @Test("a UserDeactivated event revokes the user's sessions once, even when delivered twice")
    func revokesSessions() async throws {
        let h = try IdentityHarness()
        let user = try await h.member()
        for key in ["s-1", "s-2"] {
            _ = try await h.orchestrator.issueSession(IssueSessionRequest(userID: user.userID, tenantID: "t-1"), idempotencyKey: key)
        }
        let router = DomainEventRouter(listeners: h.orchestrator.listeners, engine: h.engine)
        let event = DomainEvent(type: UserDeactivatedListener.eventType, id: "evt-1", correlationID: user.userID)
        let first = try await router.publish(event)
        let duplicate = try await router.publish(event)
        #expect(first.handledBy == ["UserDeactivated→RevokeSessions"])
        #expect(duplicate.duplicate)
        #expect(try await h.backend.activeSessions(userID: user.userID).isEmpty)
        #expect(h.backend.effects(of: .revokeAllSessions) == 1)
        #expect(h.backend.auditTrail.filter { $0.action == "sessions.revoked" }.map(\.subjectID) == [user.userID])
    }

    @Test("the user id may come in the payload; an event naming no user is a failed delivery")
    func userFromPayload() async throws {
        let h = try IdentityHarness()
        let user = try await h.member()
        _ = try await h.orchestrator.issueSession(IssueSessionRequest(userID: user.userID, tenantID: "t-1"), idempotencyKey: "s-1")
        let router = DomainEventRouter(listeners: h.orchestrator.listeners, engine: h.engine)
        let delivered = try await router.publish(DomainEvent(type: UserDeactivatedListener.eventType, id: "evt-1", payload: ["userID": .string(user.userID)]))
        #expect(delivered.failures.isEmpty)
        #expect(try await h.backend.activeSessions(userID: user.userID).isEmpty)
        let anonymous = try await router.publish(DomainEvent(type: UserDeactivatedListener.eventType, id: "evt-2"))
        #expect(anonymous.failures.count == 1)
        #expect(anonymous.refusedBy == ["UserDeactivated→RevokeSessions"])  // INVALID_ARGUMENT: publishing it again cannot help
    }
}
