/// The input of the ReturnMerchandise (RMA) workflow.
public struct ReturnMerchandiseRequest: Sendable, Codable, Hashable {
    /// The business key of the return; the workflow's correlation id.
    public var returnReference: String
    public var salesOrderID: String
    public var customerID: String
    /// The returned items at the price they were sold for; the credit note is their total.
    public var lines: [OrderLine]
    public var currency: String
    /// The warehouse the goods are sent back to.
    public var warehouseID: String

    public init(
        returnReference: String,
        salesOrderID: String,
        customerID: String,
        lines: [OrderLine],
        currency: String,
        warehouseID: String
    ) {
        self.returnReference = returnReference
        self.salesOrderID = salesOrderID
        self.customerID = customerID
        self.lines = lines
        self.currency = currency
        self.warehouseID = warehouseID
    }
}

/// The payload of the receipt signal (and of the `ReturnReceived` event): the warehouse got the
/// goods back and reports their condition.
public struct ReturnReceipt: Sendable, Codable, Hashable {
    public var returnReference: String
    public var condition: ItemCondition

    public init(returnReference: String, condition: ItemCondition) {
        self.returnReference = returnReference
        self.condition = condition
    }
}
