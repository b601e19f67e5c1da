/// Where an order is delivered.
public struct ShippingAddress: Sendable, Codable, Hashable {
    public var street: String
    public var city: String
    public var postalCode: String
    public var country: String

    public init(street: String, city: String, postalCode: String, country: String) {
        self.street = street
        self.city = city
        self.postalCode = postalCode
        self.country = country
    }
}
