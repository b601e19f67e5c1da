/// What the receivables service is asked to invoice.
public struct InvoiceRequest: Sendable, Codable, Hashable {
    public var salesOrderID: String
    public var customerID: String
    public var amountMinor: Int64
    public var currency: String
    /// The shipment the invoice is for (a carrier tracking number), when known.
    public var shipmentReference: String?

    public init(salesOrderID: String, customerID: String, amountMinor: Int64, currency: String, shipmentReference: String? = nil) {
        self.salesOrderID = salesOrderID
        self.customerID = customerID
        self.amountMinor = amountMinor
        self.currency = currency
        self.shipmentReference = shipmentReference
    }
}

public struct Invoice: Sendable, Codable, Hashable {
    public var id: String
    public var request: InvoiceRequest

    public init(id: String, request: InvoiceRequest) {
        self.id = id
        self.request = request
    }
}

/// What the receivables service is asked to credit for a return.
public struct CreditNoteRequest: Sendable, Codable, Hashable {
    public var returnAuthorizationID: String
    public var customerID: String
    public var amountMinor: Int64
    public var currency: String

    public init(returnAuthorizationID: String, customerID: String, amountMinor: Int64, currency: String) {
        self.returnAuthorizationID = returnAuthorizationID
        self.customerID = customerID
        self.amountMinor = amountMinor
        self.currency = currency
    }
}

public struct CreditNote: Sendable, Codable, Hashable {
    public var id: String
    public var request: CreditNoteRequest

    public init(id: String, request: CreditNoteRequest) {
        self.id = id
        self.request = request
    }
}
