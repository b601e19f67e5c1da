/// One line of a sales or purchase order: a quantity of one item at a unit price in minor units.
public struct OrderLine: Sendable, Codable, Hashable {
    public var sku: String
    public var quantity: Int64
    /// Price of one unit in minor units of the order's currency (cents).
    public var unitPriceMinor: Int64

    public init(sku: String, quantity: Int64, unitPriceMinor: Int64) {
        self.sku = sku
        self.quantity = quantity
        self.unitPriceMinor = unitPriceMinor
    }

    /// `quantity × unitPriceMinor`.
    public var amountMinor: Int64 { quantity * unitPriceMinor }
}

extension Array where Element == OrderLine {
    /// The sum of the lines' amounts, in minor units.
    public var totalMinor: Int64 { reduce(0) { $0 + $1.amountMinor } }
}
