/// One entry of the audit trail.
public struct AuditEntry: Sendable, Codable, Hashable {
    /// What happened, e.g. `user.registered`, `user.offboarded`, `session.issued`.
    public var action: String
    /// Who did it.
    public var actorID: String
    /// Whom it concerns.
    public var subjectID: String
    public var tenantID: String?
    public var detail: String

    public init(action: String, actorID: String, subjectID: String, tenantID: String? = nil, detail: String = "") {
        self.action = action
        self.actorID = actorID
        self.subjectID = subjectID
        self.tenantID = tenantID
        self.detail = detail
    }
}

/// A written audit record.
public struct AuditReceipt: Sendable, Codable, Hashable {
    public var recordID: String

    public init(recordID: String) {
        self.recordID = recordID
    }
}

/// A message to a user, rendered from a template.
public struct NotificationMessage: Sendable, Codable, Hashable {
    public var recipientUserID: String
    public var template: String
    public var parameters: [String: String]

    public init(recipientUserID: String, template: String, parameters: [String: String] = [:]) {
        self.recipientUserID = recipientUserID
        self.template = template
        self.parameters = parameters
    }
}

/// A message handed to the delivery channel.
public struct NotificationReceipt: Sendable, Codable, Hashable {
    public var notificationID: String

    public init(notificationID: String) {
        self.notificationID = notificationID
    }
}
