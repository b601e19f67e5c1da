import BatonWorkflow

/// The PlaceOrder saga: reserve inventory → process payment → schedule delivery → notify the
/// customer. A failure (or a cancel) undoes the completed steps newest first: cancel the
/// delivery, refund the payment, release the inventory.
public enum PlaceOrder {
    /// The workflow type name registered on the engine.
    public static let type = "PlaceOrder"

    /// Step names, as they appear in snapshots, histories and compensation lists.
    public enum Step {
        public static let reserveInventory = "reserve-inventory"
        public static let processPayment = "process-payment"
        public static let scheduleDelivery = "schedule-delivery"
        public static let notifyCustomer = "notify-customer"
    }

    /// The workflow id used for an order unless the caller chooses one.
    public static func workflowID(orderID: String) -> String { "\(type)-\(orderID)" }

    static func definition(_ services: OrderFulfillmentServices) -> WorkflowDefinition {
        let (inventory, payments, delivery, notifications) = (services.inventory, services.payments, services.delivery, services.notifications)
        let order = PlaceOrderRequest.self
        let configuration = WorkflowDefinition.Configuration.defaults {
            $0.retry = .defaults { $0.maxAttempts = 5 }  // UNAVAILABLE / DEADLINE_EXCEEDED only
            $0.timeout = .seconds(30 * 60)
        }
        return WorkflowDefinition(type, version: 1, configuration: configuration) {
            StepDefinition.call(Step.reserveInventory, action: typedStep(order) { context, order in
                try await inventory.reserve(orderID: order.orderID, lines: order.lines, idempotencyKey: context.idempotencyKey)
            }, compensate: typedStep(order) { context, _ in
                let reservation = try context.output(of: Step.reserveInventory, as: InventoryReservation.self)
                try await inventory.release(reservationID: reservation.reservationID, idempotencyKey: context.idempotencyKey)
            }).timeout(.seconds(10))

            StepDefinition.call(Step.processPayment, action: typedStep(order) { context, order in
                try await payments.charge(orderID: order.orderID, customerID: order.customerID, amountMinor: order.totalMinor,
                                          paymentMethodToken: order.paymentMethodToken, idempotencyKey: context.idempotencyKey)
            }, compensate: typedStep(order) { context, _ in
                let payment = try context.output(of: Step.processPayment, as: PaymentReceipt.self)
                _ = try await payments.refund(paymentID: payment.paymentID, idempotencyKey: context.idempotencyKey)
            }).timeout(.seconds(30))

            StepDefinition.call(Step.scheduleDelivery, action: typedStep(order) { context, order in
                try await delivery.schedule(orderID: order.orderID, lines: order.lines, address: order.shippingAddress, idempotencyKey: context.idempotencyKey)
            }, compensate: typedStep(order) { context, _ in
                let booking = try context.output(of: Step.scheduleDelivery, as: DeliveryBooking.self)
                try await delivery.cancel(deliveryID: booking.deliveryID, idempotencyKey: context.idempotencyKey)
            }).timeout(.seconds(10))

            StepDefinition.call(Step.notifyCustomer, action: typedStep(order) { context, order in
                let booking = try context.output(of: Step.scheduleDelivery, as: DeliveryBooking.self)
                return try await notifications.notifyOrderConfirmed(orderID: order.orderID, customerID: order.customerID,
                                                                    deliveryID: booking.deliveryID, idempotencyKey: context.idempotencyKey)
            }).retry(.defaults { $0.maxAttempts = 8 }).timeout(.seconds(10))
        }
        .input(PlaceOrderRequest.self)
    }
}
