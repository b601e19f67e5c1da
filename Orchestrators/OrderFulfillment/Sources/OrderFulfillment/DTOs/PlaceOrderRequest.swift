import BatonWorkflow

/// The input of the PlaceOrder workflow (and the payload of an `OrderCreated` event).
public struct PlaceOrderRequest: Sendable, Codable, Hashable, ValidatedInput {
    public var orderID: String
    public var customerID: String
    public var lines: [OrderLine]
    /// A token the payment provider issued for the customer's payment method.
    public var paymentMethodToken: String
    public var shippingAddress: ShippingAddress

    public init(orderID: String, customerID: String, lines: [OrderLine], paymentMethodToken: String, shippingAddress: ShippingAddress) {
        self.orderID = orderID
        self.customerID = customerID
        self.lines = lines
        self.paymentMethodToken = paymentMethodToken
        self.shippingAddress = shippingAddress
    }

    /// The order's total in minor units.
    public var totalMinor: Int64 {
        lines.reduce(0) { $0 + Int64($1.quantity) * $1.unitPriceMinor }
    }

    /// Checks the request can be placed: an order id, a customer, at least one line, positive quantities.
    ///
    /// - Throws: ``OrderFulfillmentError`` `invalidArgument`.
    public func validate() throws(OrderFulfillmentError) {
        guard !orderID.isEmpty, !customerID.isEmpty else {
            throw OrderFulfillmentError(.invalidArgument, "an order needs an order id and a customer id")
        }
        guard !lines.isEmpty, lines.allSatisfy({ $0.quantity > 0 && $0.unitPriceMinor >= 0 && !$0.sku.isEmpty }) else {
            throw OrderFulfillmentError(.invalidArgument, "order \(orderID) needs lines with a sku, a positive quantity and a price")
        }
    }
}
