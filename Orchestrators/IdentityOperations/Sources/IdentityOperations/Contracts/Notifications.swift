/// Messages to users (email, SMS, push: the implementation's choice).
public protocol Notifications: Sendable {
    /// Sends a message. A repeated call with the same key returns the first receipt and sends nothing.
    ///
    /// - Throws: ``IdentityOperationsError`` `invalidArgument` for a message without a template,
    ///   `unavailable` / `timeout` (retryable).
    func send(_ message: NotificationMessage, idempotencyKey: String) async throws -> NotificationReceipt
}
