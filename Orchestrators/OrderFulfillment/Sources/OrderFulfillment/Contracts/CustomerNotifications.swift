/// Tells customers about their orders.
///
/// A repeated call with the same idempotency key returns the first receipt and sends nothing more.
public protocol CustomerNotifications: Sendable {
    /// Sends the order confirmation with its delivery.
    ///
    /// - Throws: ``OrderFulfillmentError`` `notFound` for an unknown customer,
    ///   `unavailable` / `timeout` (retryable).
    func notifyOrderConfirmed(orderID: String, customerID: String, deliveryID: String, idempotencyKey: String) async throws
        -> NotificationReceipt
}
