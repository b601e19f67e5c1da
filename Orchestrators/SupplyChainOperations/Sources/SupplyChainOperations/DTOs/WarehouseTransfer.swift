/// A move of stock of one item from one warehouse to another.
public struct TransferRequest: Sendable, Codable, Hashable {
    public var sku: String
    public var fromWarehouseID: String
    public var toWarehouseID: String
    public var quantity: Int64

    public init(sku: String, fromWarehouseID: String, toWarehouseID: String, quantity: Int64) {
        self.sku = sku
        self.fromWarehouseID = fromWarehouseID
        self.toWarehouseID = toWarehouseID
        self.quantity = quantity
    }
}

/// An executed transfer.
public struct TransferReceipt: Sendable, Codable, Hashable {
    public var transferID: String
    public var request: TransferRequest
    /// Whether the transfer has been reversed (its stock moved back).
    public var reversed: Bool

    public init(transferID: String, request: TransferRequest, reversed: Bool) {
        self.transferID = transferID
        self.request = request
        self.reversed = reversed
    }
}
