/// One product line of an order. Amounts are in minor units (cents).
public struct OrderLine: Sendable, Codable, Hashable {
    public var sku: String
    public var quantity: Int
    public var unitPriceMinor: Int64

    public init(sku: String, quantity: Int, unitPriceMinor: Int64) {
        self.sku = sku
        self.quantity = quantity
        self.unitPriceMinor = unitPriceMinor
    }
}
