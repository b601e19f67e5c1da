/// What the returns service is asked to authorize.
public struct ReturnAuthorizationRequest: Sendable, Codable, Hashable {
    /// The caller's business key for the return.
    public var reference: String
    public var salesOrderID: String
    public var customerID: String
    /// The returned items, at the price they were sold for.
    public var lines: [OrderLine]
    public var currency: String
    /// Where the goods are to be sent back.
    public var warehouseID: String

    public init(reference: String, salesOrderID: String, customerID: String, lines: [OrderLine], currency: String, warehouseID: String) {
        self.reference = reference
        self.salesOrderID = salesOrderID
        self.customerID = customerID
        self.lines = lines
        self.currency = currency
        self.warehouseID = warehouseID
    }
}

/// A return merchandise authorization (RMA).
public struct ReturnAuthorization: Sendable, Codable, Hashable {
    public enum Status: String, Sendable, Codable, Hashable {
        case authorized = "AUTHORIZED"
        case inspected = "INSPECTED"
        case cancelled = "CANCELLED"
    }

    public var id: String
    public var request: ReturnAuthorizationRequest
    public var status: Status

    public init(id: String, request: ReturnAuthorizationRequest, status: Status) {
        self.id = id
        self.request = request
        self.status = status
    }
}

/// The condition a receiving warehouse reports for returned goods.
public enum ItemCondition: String, Sendable, Codable, Hashable {
    /// Unopened or as new: can be sold again.
    case resellable = "RESELLABLE"
    case damaged = "DAMAGED"
    case defective = "DEFECTIVE"
}

/// What happens to inspected returned goods.
public enum Disposition: String, Sendable, Codable, Hashable {
    case restock = "RESTOCK"
    case scrap = "SCRAP"
}

/// The result of inspecting a received return.
public struct Inspection: Sendable, Codable, Hashable {
    public var returnAuthorizationID: String
    public var condition: ItemCondition
    public var disposition: Disposition

    public init(returnAuthorizationID: String, condition: ItemCondition, disposition: Disposition) {
        self.returnAuthorizationID = returnAuthorizationID
        self.condition = condition
        self.disposition = disposition
    }
}
