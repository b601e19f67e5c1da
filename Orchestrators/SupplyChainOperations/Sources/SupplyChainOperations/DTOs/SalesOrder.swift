/// What the sales service is asked to create.
public struct SalesOrderRequest: Sendable, Codable, Hashable {
    /// The caller's business key for the order (a web-shop order number).
    public var reference: String
    public var customerID: String
    public var lines: [OrderLine]
    public var currency: String

    public init(reference: String, customerID: String, lines: [OrderLine], currency: String) {
        self.reference = reference
        self.customerID = customerID
        self.lines = lines
        self.currency = currency
    }
}

/// A sales order as the sales service holds it.
public struct SalesOrder: Sendable, Codable, Hashable {
    public enum Status: String, Sendable, Codable, Hashable {
        case open = "OPEN"
        case cancelled = "CANCELLED"
    }

    public var id: String
    public var reference: String
    public var customerID: String
    public var lines: [OrderLine]
    public var currency: String
    public var status: Status

    public init(id: String, reference: String, customerID: String, lines: [OrderLine], currency: String, status: Status) {
        self.id = id
        self.reference = reference
        self.customerID = customerID
        self.lines = lines
        self.currency = currency
        self.status = status
    }
}
