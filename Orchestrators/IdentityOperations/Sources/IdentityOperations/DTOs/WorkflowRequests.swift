/// The input of the RegisterUser workflow.
public struct RegisterUserRequest: Sendable, Codable, Hashable {
    public var email: String
    public var displayName: String
    public var tenantID: String
    public var role: String
    /// Who asked for the registration (recorded in the audit trail).
    public var requestedBy: String

    public init(email: String, displayName: String, tenantID: String, role: String, requestedBy: String) {
        self.email = email
        self.displayName = displayName
        self.tenantID = tenantID
        self.role = role
        self.requestedBy = requestedBy
    }
}

/// The input of the OffboardUser workflow.
public struct OffboardUserRequest: Sendable, Codable, Hashable {
    public var userID: String
    public var requestedBy: String
    public var reason: String

    public init(userID: String, requestedBy: String, reason: String) {
        self.userID = userID
        self.requestedBy = requestedBy
        self.reason = reason
    }
}

/// The input of the EnableMfa workflow.
public struct EnableMfaRequest: Sendable, Codable, Hashable {
    public var userID: String

    public init(userID: String) {
        self.userID = userID
    }
}
