/// The users of the platform.
///
/// Every mutating call takes an idempotency key: a repeated call with the same key returns the
/// first call's result and has no second effect.
public protocol UserDirectory: Sendable {
    /// Creates an active user.
    ///
    /// - Throws: ``IdentityOperationsError`` `alreadyExists` when the email belongs to another
    ///   user, `invalidArgument` for an empty email, `unavailable` / `timeout` (retryable).
    func createUser(_ user: NewUser, idempotencyKey: String) async throws -> UserAccount

    /// Deletes a user (the undo of ``createUser(_:idempotencyKey:)``); its email becomes free.
    ///
    /// - Throws: `notFound` for an unknown user, `alreadyUndone` when deleted under another key,
    ///   `unavailable` / `timeout`.
    func deleteUser(userID: String, idempotencyKey: String) async throws

    /// Disables a user; disabling a disabled user changes nothing. Returns the account.
    ///
    /// - Throws: `notFound` for an unknown user, `unavailable` / `timeout`.
    func disableUser(userID: String, idempotencyKey: String) async throws -> UserAccount

    /// Reads a user.
    ///
    /// - Throws: `notFound` for an unknown or deleted user, `unavailable` / `timeout`.
    func user(id: String) async throws -> UserAccount
}
