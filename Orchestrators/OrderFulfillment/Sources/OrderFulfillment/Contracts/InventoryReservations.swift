/// Holds and releases stock for orders.
///
/// Every mutating call takes an idempotency key: a repeated call with the same key returns the
/// first call's result and has no second effect.
public protocol InventoryReservations: Sendable {
    /// Reserves every line of an order, or none of them.
    ///
    /// - Throws: ``OrderFulfillmentError`` `insufficientStock` when a line cannot be covered,
    ///   `notFound` for an unknown sku, `invalidArgument` for a non-positive quantity,
    ///   `unavailable` / `timeout` when the service cannot answer (retryable).
    func reserve(orderID: String, lines: [OrderLine], idempotencyKey: String) async throws -> InventoryReservation

    /// Returns a reservation's stock. Releasing under the key of an earlier release is a no-op.
    ///
    /// - Throws: ``OrderFulfillmentError`` `notFound` for an unknown reservation, `alreadyUndone`
    ///   when it was released under another key, `unavailable` / `timeout`.
    func release(reservationID: String, idempotencyKey: String) async throws
}
