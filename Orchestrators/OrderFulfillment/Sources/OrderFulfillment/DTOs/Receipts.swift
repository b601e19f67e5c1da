/// Stock held for an order until it ships or is released.
public struct InventoryReservation: Sendable, Codable, Hashable {
    public var reservationID: String
    public var orderID: String
    public var lines: [OrderLine]

    public init(reservationID: String, orderID: String, lines: [OrderLine]) {
        self.reservationID = reservationID
        self.orderID = orderID
        self.lines = lines
    }
}

/// A captured payment.
public struct PaymentReceipt: Sendable, Codable, Hashable {
    public var paymentID: String
    public var orderID: String
    public var customerID: String
    public var amountMinor: Int64

    public init(paymentID: String, orderID: String, customerID: String, amountMinor: Int64) {
        self.paymentID = paymentID
        self.orderID = orderID
        self.customerID = customerID
        self.amountMinor = amountMinor
    }
}

/// A refunded payment.
public struct RefundReceipt: Sendable, Codable, Hashable {
    public var refundID: String
    public var paymentID: String
    public var amountMinor: Int64

    public init(refundID: String, paymentID: String, amountMinor: Int64) {
        self.refundID = refundID
        self.paymentID = paymentID
        self.amountMinor = amountMinor
    }
}

/// A booked delivery.
public struct DeliveryBooking: Sendable, Codable, Hashable {
    public var deliveryID: String
    public var orderID: String

    public init(deliveryID: String, orderID: String) {
        self.deliveryID = deliveryID
        self.orderID = orderID
    }
}

/// A notification handed to the delivery channel.
public struct NotificationReceipt: Sendable, Codable, Hashable {
    public var notificationID: String

    public init(notificationID: String) {
        self.notificationID = notificationID
    }
}
