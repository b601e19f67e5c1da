import BatonWorkflow

/// Revokes a user's sessions when a `UserDeactivated` event arrives (the user id is the event's
/// correlation id, or the payload's `userID`).
///
/// The revocation's idempotency key derives from the event id, so a redelivered event revokes nothing twice.
public struct UserDeactivatedListener: DomainEventListener {
    /// The event type this listener handles.
    public static let eventType = "UserDeactivated"

    public let name = "UserDeactivated→RevokeSessions"
    public let eventTypes: Set<String> = [eventType]
    let coordinator: SessionCoordinator

    public func handle(_ event: DomainEvent, engine: WorkflowEngine) async throws {
        guard let userID = event.correlationID ?? event.payload["userID"]?.stringValue else {
            throw IdentityOperationsError(.invalidArgument, "\(event.type) \(event.id) names no user")
        }
        _ = try await coordinator.revokeSessions(userID: userID, reason: "user deactivated", idempotencyKey: "\(event.type)/\(event.id)")
    }
}
