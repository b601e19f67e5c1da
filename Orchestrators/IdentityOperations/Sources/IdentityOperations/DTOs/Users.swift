/// A user to create.
public struct NewUser: Sendable, Codable, Hashable {
    public var email: String
    public var displayName: String

    public init(email: String, displayName: String) {
        self.email = email
        self.displayName = displayName
    }
}

/// A user as the directory knows it.
public struct UserAccount: Sendable, Codable, Hashable {
    public var userID: String
    public var email: String
    public var displayName: String
    public var isActive: Bool

    public init(userID: String, email: String, displayName: String, isActive: Bool) {
        self.userID = userID
        self.email = email
        self.displayName = displayName
        self.isActive = isActive
    }
}

/// A user's membership of a tenant.
public struct TenantMembership: Sendable, Codable, Hashable {
    public var tenantID: String
    public var userID: String
    public var role: String

    public init(tenantID: String, userID: String, role: String) {
        self.tenantID = tenantID
        self.userID = userID
        self.role = role
    }
}
