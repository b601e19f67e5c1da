/// Multi-factor enrolment and verification.
///
/// Every mutating call takes an idempotency key: a repeated call with the same key returns the
/// first call's result and has no second effect.
public protocol MfaChallenges: Sendable {
    /// Starts an enrolment: the user receives a code out of band.
    ///
    /// - Throws: ``IdentityOperationsError`` `unavailable` / `timeout` (retryable).
    func issueChallenge(userID: String, idempotencyKey: String) async throws -> MfaChallenge

    /// Completes an enrolment with the code the user received: MFA is enabled for the user.
    ///
    /// - Throws: `invalidCode` for a wrong code, `notFound` for an unknown challenge,
    ///   `alreadyUndone` for a cancelled one, `unavailable` / `timeout`.
    func activate(challengeID: String, code: String, idempotencyKey: String) async throws

    /// Abandons an enrolment (the undo of ``issueChallenge(userID:idempotencyKey:)``); its code no
    /// longer activates anything.
    ///
    /// - Throws: `notFound` for an unknown challenge, `alreadyUndone` when cancelled under
    ///   another key, `unavailable` / `timeout`.
    func cancelChallenge(challengeID: String, idempotencyKey: String) async throws

    /// Whether the user has MFA enabled.
    ///
    /// - Throws: `unavailable` / `timeout`.
    func isEnrolled(userID: String) async throws -> Bool

    /// Whether `code` is a valid second factor for the user right now (false when not enrolled).
    ///
    /// - Throws: `unavailable` / `timeout`.
    func verify(userID: String, code: String) async throws -> Bool
}
