/// What the procurement service is asked to order from a vendor.
public struct PurchaseOrderRequest: Sendable, Codable, Hashable {
    public var vendorID: String
    public var lines: [OrderLine]
    public var currency: String
    /// The warehouse receiving the goods, or nil when the vendor ships to the customer (dropship).
    public var warehouseID: String?
    /// The sales order a dropship purchase order fulfils.
    public var salesOrderID: String?
    /// When the goods are expected at `warehouseID`; counted as incoming supply from that day.
    public var expectedOn: CalendarDay?

    public init(
        vendorID: String,
        lines: [OrderLine],
        currency: String,
        warehouseID: String? = nil,
        salesOrderID: String? = nil,
        expectedOn: CalendarDay? = nil
    ) {
        self.vendorID = vendorID
        self.lines = lines
        self.currency = currency
        self.warehouseID = warehouseID
        self.salesOrderID = salesOrderID
        self.expectedOn = expectedOn
    }
}

/// A purchase order as the procurement service holds it.
public struct PurchaseOrder: Sendable, Codable, Hashable {
    public enum Status: String, Sendable, Codable, Hashable {
        case open = "OPEN"
        case cancelled = "CANCELLED"
    }

    public var id: String
    public var request: PurchaseOrderRequest
    public var status: Status

    public init(id: String, request: PurchaseOrderRequest, status: Status) {
        self.id = id
        self.request = request
        self.status = status
    }
}
