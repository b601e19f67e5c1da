/// A signed-in session of a user in a tenant.
public struct Session: Sendable, Codable, Hashable {
    public var sessionID: String
    /// The bearer token the client presents.
    public var token: String
    public var userID: String
    public var tenantID: String

    public init(sessionID: String, token: String, userID: String, tenantID: String) {
        self.sessionID = sessionID
        self.token = token
        self.userID = userID
        self.tenantID = tenantID
    }
}

/// The input of the IssueSession coordinator.
public struct IssueSessionRequest: Sendable, Codable, Hashable {
    public var userID: String
    public var tenantID: String
    /// Required when the user has MFA enabled.
    public var mfaCode: String?

    public init(userID: String, tenantID: String, mfaCode: String? = nil) {
        self.userID = userID
        self.tenantID = tenantID
        self.mfaCode = mfaCode
    }
}

/// An MFA enrolment challenge: the user proves possession by answering with its code.
public struct MfaChallenge: Sendable, Codable, Hashable {
    public var challengeID: String
    public var userID: String

    public init(challengeID: String, userID: String) {
        self.challengeID = challengeID
        self.userID = userID
    }
}

/// The payload of the EnableMfa workflow's verification signal.
public struct MfaVerification: Sendable, Codable, Hashable {
    public var code: String

    public init(code: String) {
        self.code = code
    }
}
