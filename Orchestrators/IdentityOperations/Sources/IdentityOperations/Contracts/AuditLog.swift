/// The append-only audit trail.
public protocol AuditLog: Sendable {
    /// Appends an entry. A repeated call with the same key returns the first receipt and appends nothing.
    ///
    /// - Throws: ``IdentityOperationsError`` `invalidArgument` for an entry without an action,
    ///   `unavailable` / `timeout` (retryable).
    func record(_ entry: AuditEntry, idempotencyKey: String) async throws -> AuditReceipt
}
