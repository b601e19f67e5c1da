import BatonAtomicAPI
import BatonRPC
import BatonRPCAdapterSupport
import OrderFulfillment

extension OrderFulfillmentAdapters.RPC: InventoryReservations {
    public func reserve(orderID: String, lines: [OrderLine], idempotencyKey: String) async throws -> InventoryReservation {
        var request = Baton_Atomic_Inventory_V1_ReserveRequest()
        request.orderID = orderID
        request.lines = lines.map(Baton_Atomic_Inventory_V1_ReservationLine.init)
        request.idempotencyKey = idempotencyKey
        let reservation = InventoryReservation(try await call(correlationID: orderID) { try await inventoryClient.reserve(request, options: $0) })
        orders.remember(reservation.reservationID, belongsTo: orderID)
        return reservation
    }

    public func release(reservationID: String, idempotencyKey: String) async throws {
        var request = Baton_Atomic_Inventory_V1_ReleaseRequest()
        request.reservationID = reservationID
        request.idempotencyKey = idempotencyKey
        _ = try await call(correlationID: orders.owner(of: reservationID)) { try await inventoryClient.release(request, options: $0) }
    }
}

extension OrderFulfillmentAdapters.RPC: PaymentProcessing {
    public func charge(orderID: String, customerID: String, amountMinor: Int64, paymentMethodToken: String, idempotencyKey: String)
        async throws -> PaymentReceipt
    {
        var request = Baton_Atomic_Payment_V1_ChargeRequest()
        request.orderID = orderID
        request.customerID = customerID
        request.amountMinor = amountMinor
        request.paymentMethodToken = paymentMethodToken
        request.idempotencyKey = idempotencyKey
        let receipt = PaymentReceipt(try await call(correlationID: orderID) { try await paymentClient.charge(request, options: $0) })
        orders.remember(receipt.paymentID, belongsTo: orderID)
        return receipt
    }

    public func refund(paymentID: String, idempotencyKey: String) async throws -> RefundReceipt {
        var request = Baton_Atomic_Payment_V1_RefundRequest()
        request.paymentID = paymentID
        request.idempotencyKey = idempotencyKey
        return RefundReceipt(try await call(correlationID: orders.owner(of: paymentID)) { try await paymentClient.refund(request, options: $0) })
    }
}

extension OrderFulfillmentAdapters.RPC: DeliveryScheduling {
    public func schedule(orderID: String, lines: [OrderLine], address: ShippingAddress, idempotencyKey: String) async throws
        -> DeliveryBooking
    {
        var request = Baton_Atomic_Shipping_V1_ScheduleDeliveryRequest()
        request.orderID = orderID
        request.lines = lines.map(Baton_Atomic_Shipping_V1_ParcelLine.init)
        request.address = Baton_Atomic_Shipping_V1_Address(address)
        request.idempotencyKey = idempotencyKey
        let booking = DeliveryBooking(try await call(correlationID: orderID) { try await shippingClient.scheduleDelivery(request, options: $0) })
        orders.remember(booking.deliveryID, belongsTo: orderID)
        return booking
    }

    public func cancel(deliveryID: String, idempotencyKey: String) async throws {
        var request = Baton_Atomic_Shipping_V1_CancelDeliveryRequest()
        request.deliveryID = deliveryID
        request.idempotencyKey = idempotencyKey
        _ = try await call(correlationID: orders.owner(of: deliveryID)) { try await shippingClient.cancelDelivery(request, options: $0) }
    }
}

extension OrderFulfillmentAdapters.RPC: CustomerNotifications {
    public func notifyOrderConfirmed(orderID: String, customerID: String, deliveryID: String, idempotencyKey: String) async throws
        -> NotificationReceipt
    {
        var request = Baton_Atomic_Notifier_V1_SendOrderConfirmationRequest()
        request.orderID = orderID
        request.customerID = customerID
        request.deliveryID = deliveryID
        request.idempotencyKey = idempotencyKey
        return NotificationReceipt(try await call(correlationID: orderID) { try await notifierClient.sendOrderConfirmation(request, options: $0) })
    }
}
