import BatonInMemorySupport
import OrderFulfillment

extension OrderFulfillmentAdapters.InMemory: InventoryReservations {
    public func reserve(orderID: String, lines: [OrderLine], idempotencyKey: String) async throws -> InventoryReservation {
        try await store.perform(.reserve, idempotencyKey: idempotencyKey) { (s: inout State) throws(OrderFulfillmentError) in
            var wanted: [String: Int] = [:]
            for line in lines {
                guard line.quantity > 0 else { throw OrderFulfillmentError(.invalidArgument, "quantity of \(line.sku) must be positive") }
                wanted[line.sku, default: 0] += line.quantity
            }
            for (sku, quantity) in wanted.sorted(by: { $0.key < $1.key }) {
                guard let available = s.available[sku] else { throw OrderFulfillmentError(.notFound, "no product '\(sku)'") }
                guard available >= quantity else {
                    throw OrderFulfillmentError(.insufficientStock, "\(sku): \(quantity) wanted, \(available) available")
                }
            }
            for (sku, quantity) in wanted { s.available[sku]! -= quantity }
            let reservation = InventoryReservation(reservationID: s.ids.next("res"), orderID: orderID, lines: lines)
            s.reservations[reservation.reservationID] = Undoable(value: reservation)
            return reservation
        }
    }

    public func release(reservationID: String, idempotencyKey: String) async throws {
        try await store.perform(.release, idempotencyKey: idempotencyKey) { (s: inout State) throws(OrderFulfillmentError) in
            let reservation = try undo(&s.reservations, reservationID, "reservation")
            for line in reservation.lines { s.available[line.sku, default: 0] += line.quantity }
        }
    }
}

extension OrderFulfillmentAdapters.InMemory: PaymentProcessing {
    public func charge(orderID: String, customerID: String, amountMinor: Int64, paymentMethodToken: String, idempotencyKey: String)
        async throws -> PaymentReceipt
    {
        let defaultLimit = configuration.defaultPaymentLimitMinor
        return try await store.perform(.charge, idempotencyKey: idempotencyKey) { (s: inout State) throws(OrderFulfillmentError) in
            guard amountMinor >= 0 else { throw OrderFulfillmentError(.invalidArgument, "a charge cannot be negative") }
            let captured = s.captured[customerID] ?? 0
            if let limit = s.paymentLimits[customerID] ?? defaultLimit, captured + amountMinor > limit {
                throw OrderFulfillmentError(.paymentDeclined, "customer \(customerID): \(amountMinor) would exceed the limit of \(limit)")
            }
            s.captured[customerID] = captured + amountMinor
            let receipt = PaymentReceipt(paymentID: s.ids.next("pay"), orderID: orderID, customerID: customerID, amountMinor: amountMinor)
            s.payments[receipt.paymentID] = Undoable(value: receipt)
            return receipt
        }
    }

    public func refund(paymentID: String, idempotencyKey: String) async throws -> RefundReceipt {
        try await store.perform(.refund, idempotencyKey: idempotencyKey) { (s: inout State) throws(OrderFulfillmentError) in
            let payment = try undo(&s.payments, paymentID, "payment")
            s.captured[payment.customerID, default: 0] -= payment.amountMinor
            return RefundReceipt(refundID: s.ids.next("ref"), paymentID: paymentID, amountMinor: payment.amountMinor)
        }
    }
}

extension OrderFulfillmentAdapters.InMemory: DeliveryScheduling {
    public func schedule(orderID: String, lines: [OrderLine], address: ShippingAddress, idempotencyKey: String) async throws
        -> DeliveryBooking
    {
        try await store.perform(.schedule, idempotencyKey: idempotencyKey) { (s: inout State) throws(OrderFulfillmentError) in
            guard !address.country.isEmpty, !address.postalCode.isEmpty else {
                throw OrderFulfillmentError(.invalidArgument, "a delivery address needs a country and a postal code")
            }
            let booking = DeliveryBooking(deliveryID: s.ids.next("del"), orderID: orderID)
            s.deliveries[booking.deliveryID] = Undoable(value: booking)
            return booking
        }
    }

    public func cancel(deliveryID: String, idempotencyKey: String) async throws {
        try await store.perform(.cancelDelivery, idempotencyKey: idempotencyKey) { (s: inout State) throws(OrderFulfillmentError) in
            _ = try undo(&s.deliveries, deliveryID, "delivery")
        }
    }
}

extension OrderFulfillmentAdapters.InMemory: CustomerNotifications {
    public func notifyOrderConfirmed(orderID: String, customerID: String, deliveryID: String, idempotencyKey: String) async throws
        -> NotificationReceipt
    {
        try await store.perform(.notify, idempotencyKey: idempotencyKey) { (s: inout State) throws(OrderFulfillmentError) in
            s.notifications.append(orderID)
            return NotificationReceipt(notificationID: s.ids.next("msg"))
        }
    }
}
