import BatonAtomicAPI
import OrderFulfillment

// The wire form of OrderFulfillment's DTOs, in both directions (the RPC adapter builds requests
// and reads responses; the reference services read requests and build responses).

extension OrderLine {
    public init(_ line: Baton_Atomic_Inventory_V1_ReservationLine) {
        self.init(sku: line.sku, quantity: Int(clamping: line.quantity), unitPriceMinor: line.unitPriceMinor)
    }

    public init(_ line: Baton_Atomic_Shipping_V1_ParcelLine) {
        self.init(sku: line.sku, quantity: Int(clamping: line.quantity), unitPriceMinor: line.unitPriceMinor)
    }
}

extension Baton_Atomic_Inventory_V1_ReservationLine {
    public init(_ line: OrderLine) {
        self.init()
        sku = line.sku
        quantity = Int64(line.quantity)
        unitPriceMinor = line.unitPriceMinor
    }
}

extension Baton_Atomic_Shipping_V1_ParcelLine {
    public init(_ line: OrderLine) {
        self.init()
        sku = line.sku
        quantity = Int64(line.quantity)
        unitPriceMinor = line.unitPriceMinor
    }
}

extension InventoryReservation {
    public init(_ reservation: Baton_Atomic_Inventory_V1_Reservation) {
        self.init(reservationID: reservation.reservationID, orderID: reservation.orderID, lines: reservation.lines.map(OrderLine.init))
    }
}

extension Baton_Atomic_Inventory_V1_Reservation {
    public init(_ reservation: InventoryReservation) {
        self.init()
        reservationID = reservation.reservationID
        orderID = reservation.orderID
        lines = reservation.lines.map(Baton_Atomic_Inventory_V1_ReservationLine.init)
    }
}

extension PaymentReceipt {
    public init(_ payment: Baton_Atomic_Payment_V1_Payment) {
        self.init(paymentID: payment.paymentID, orderID: payment.orderID, customerID: payment.customerID, amountMinor: payment.amountMinor)
    }
}

extension Baton_Atomic_Payment_V1_Payment {
    public init(_ receipt: PaymentReceipt) {
        self.init()
        paymentID = receipt.paymentID
        orderID = receipt.orderID
        customerID = receipt.customerID
        amountMinor = receipt.amountMinor
    }
}

extension RefundReceipt {
    public init(_ refund: Baton_Atomic_Payment_V1_RefundReceipt) {
        self.init(refundID: refund.refundID, paymentID: refund.paymentID, amountMinor: refund.amountMinor)
    }
}

extension Baton_Atomic_Payment_V1_RefundReceipt {
    public init(_ receipt: RefundReceipt) {
        self.init()
        refundID = receipt.refundID
        paymentID = receipt.paymentID
        amountMinor = receipt.amountMinor
    }
}

extension ShippingAddress {
    public init(_ address: Baton_Atomic_Shipping_V1_Address) {
        self.init(street: address.street, city: address.city, postalCode: address.postalCode, country: address.country)
    }
}

extension Baton_Atomic_Shipping_V1_Address {
    public init(_ address: ShippingAddress) {
        self.init()
        street = address.street
        city = address.city
        postalCode = address.postalCode
        country = address.country
    }
}

extension DeliveryBooking {
    public init(_ delivery: Baton_Atomic_Shipping_V1_Delivery) {
        self.init(deliveryID: delivery.deliveryID, orderID: delivery.orderID)
    }
}

extension Baton_Atomic_Shipping_V1_Delivery {
    public init(_ booking: DeliveryBooking) {
        self.init()
        deliveryID = booking.deliveryID
        orderID = booking.orderID
    }
}

extension NotificationReceipt {
    public init(_ notification: Baton_Atomic_Notifier_V1_Notification) {
        self.init(notificationID: notification.notificationID)
    }
}

extension Baton_Atomic_Notifier_V1_Notification {
    public init(_ receipt: NotificationReceipt) {
        self.init()
        notificationID = receipt.notificationID
    }
}
