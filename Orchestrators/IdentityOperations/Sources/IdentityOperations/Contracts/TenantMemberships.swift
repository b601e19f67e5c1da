/// Which users belong to which tenants, with what role.
///
/// Every mutating call takes an idempotency key: a repeated call with the same key returns the
/// first call's result and has no second effect.
public protocol TenantMemberships: Sendable {
    /// Makes a user a member of a tenant.
    ///
    /// - Throws: ``IdentityOperationsError`` `notFound` for an unknown tenant, `alreadyExists`
    ///   when the user is already a member, `unavailable` / `timeout` (retryable).
    func addMember(tenantID: String, userID: String, role: String, idempotencyKey: String) async throws -> TenantMembership

    /// Removes a user from a tenant (the undo of ``addMember(tenantID:userID:role:idempotencyKey:)``).
    ///
    /// - Throws: `notFound` when the user is not a member, `unavailable` / `timeout`.
    func removeMember(tenantID: String, userID: String, idempotencyKey: String) async throws

    /// The tenants a user belongs to (empty for an unknown user).
    ///
    /// - Throws: `unavailable` / `timeout`.
    func memberships(userID: String) async throws -> [TenantMembership]
}
