/// Signed-in sessions and their tokens.
///
/// Every mutating call takes an idempotency key: a repeated call with the same key returns the
/// first call's result and has no second effect.
public protocol SessionStore: Sendable {
    /// Opens a session for a user in a tenant and mints its token. The store does not check the
    /// user; the session coordinator does that first.
    ///
    /// - Throws: ``IdentityOperationsError`` `unavailable` / `timeout` (retryable).
    func createSession(userID: String, tenantID: String, idempotencyKey: String) async throws -> Session

    /// Revokes one session.
    ///
    /// - Throws: `notFound` for an unknown session, `alreadyUndone` when it was revoked under
    ///   another key, `unavailable` / `timeout`.
    func revokeSession(sessionID: String, idempotencyKey: String) async throws

    /// Revokes every active session of a user; answers how many this call revoked (a repeat
    /// with the same key answers the first count).
    ///
    /// - Throws: `unavailable` / `timeout`.
    func revokeAllSessions(userID: String, idempotencyKey: String) async throws -> Int

    /// A user's sessions that are not revoked.
    ///
    /// - Throws: `unavailable` / `timeout`.
    func activeSessions(userID: String) async throws -> [Session]
}
