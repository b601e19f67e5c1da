/// Books and cancels deliveries.
///
/// Every mutating call takes an idempotency key: a repeated call with the same key returns the
/// first call's result and books or cancels nothing more.
public protocol DeliveryScheduling: Sendable {
    /// Books the delivery of an order's lines to an address.
    ///
    /// - Throws: ``OrderFulfillmentError`` `invalidArgument` for an address without a country
    ///   or postal code, `unavailable` / `timeout` (retryable).
    func schedule(orderID: String, lines: [OrderLine], address: ShippingAddress, idempotencyKey: String) async throws
        -> DeliveryBooking

    /// Cancels a booked delivery.
    ///
    /// - Throws: ``OrderFulfillmentError`` `notFound` for an unknown delivery, `alreadyUndone`
    ///   when it was cancelled under another key, `unavailable` / `timeout`.
    func cancel(deliveryID: String, idempotencyKey: String) async throws
}
