/// The input of the DropshipOrder workflow: a customer order a vendor ships directly.
public struct DropshipOrderRequest: Sendable, Codable, Hashable {
    /// The business key (the shop's order number); the workflow's correlation id.
    public var orderReference: String
    public var customerID: String
    public var vendorID: String
    /// What the customer buys, at the customer's price.
    public var lines: [OrderLine]
    /// What the vendor is paid per unit, by sku; a sku without a cost is ordered at the customer's price.
    public var vendorUnitCostsMinor: [String: Int64]
    public var currency: String

    public init(
        orderReference: String,
        customerID: String,
        vendorID: String,
        lines: [OrderLine],
        vendorUnitCostsMinor: [String: Int64] = [:],
        currency: String
    ) {
        self.orderReference = orderReference
        self.customerID = customerID
        self.vendorID = vendorID
        self.lines = lines
        self.vendorUnitCostsMinor = vendorUnitCostsMinor
        self.currency = currency
    }
}

/// The payload of the vendor's shipment signal (and of the `ShipmentDispatched` event).
public struct ShipmentNotice: Sendable, Codable, Hashable {
    public var orderReference: String
    public var carrier: String
    public var trackingNumber: String

    public init(orderReference: String, carrier: String, trackingNumber: String) {
        self.orderReference = orderReference
        self.carrier = carrier
        self.trackingNumber = trackingNumber
    }
}
