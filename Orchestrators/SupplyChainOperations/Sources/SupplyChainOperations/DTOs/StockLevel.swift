/// The stock of one item in one warehouse.
public struct StockLevel: Sendable, Codable, Hashable {
    public var sku: String
    public var warehouseID: String
    public var onHand: Int64
    /// Promised to orders but not yet shipped.
    public var reserved: Int64

    public init(sku: String, warehouseID: String, onHand: Int64, reserved: Int64) {
        self.sku = sku
        self.warehouseID = warehouseID
        self.onHand = onHand
        self.reserved = reserved
    }

    /// `onHand − reserved`: what can still be moved or promised.
    public var available: Int64 { onHand - reserved }
}

/// A quantity of one item.
public struct ItemQuantity: Sendable, Codable, Hashable {
    public var sku: String
    public var quantity: Int64

    public init(sku: String, quantity: Int64) {
        self.sku = sku
        self.quantity = quantity
    }
}

/// A stock movement not caused by a transfer, of one or more items in one warehouse, applied all
/// or nothing: returned goods put back on the shelf, or written off.
public struct StockMovementRequest: Sendable, Codable, Hashable {
    public enum Kind: String, Sendable, Codable, Hashable {
        /// Adds `quantity` to on-hand stock.
        case restock = "RESTOCK"
        /// Records `quantity` as scrapped; on-hand stock is unchanged (the goods never re-entered it).
        case scrap = "SCRAP"
    }

    public var kind: Kind
    public var warehouseID: String
    public var lines: [ItemQuantity]
    /// Why the movement happened (an RMA id).
    public var reason: String

    public init(kind: Kind, warehouseID: String, lines: [ItemQuantity], reason: String) {
        self.kind = kind
        self.warehouseID = warehouseID
        self.lines = lines
        self.reason = reason
    }
}

/// A recorded stock movement.
public struct StockMovement: Sendable, Codable, Hashable {
    public var id: String
    public var request: StockMovementRequest
    public var reversed: Bool

    public init(id: String, request: StockMovementRequest, reversed: Bool) {
        self.id = id
        self.request = request
        self.reversed = reversed
    }
}
