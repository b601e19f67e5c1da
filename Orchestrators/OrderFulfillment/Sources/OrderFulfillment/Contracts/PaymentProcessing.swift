/// Charges and refunds customers.
///
/// Every mutating call takes an idempotency key: a repeated call with the same key returns the
/// first call's result and charges or refunds nothing more.
public protocol PaymentProcessing: Sendable {
    /// Captures `amountMinor` from the customer's payment method.
    ///
    /// - Throws: ``OrderFulfillmentError`` `paymentDeclined` when the provider refuses (for
    ///   instance past the customer's limit), `invalidArgument` for a negative amount,
    ///   `unavailable` / `timeout` (retryable).
    func charge(
        orderID: String,
        customerID: String,
        amountMinor: Int64,
        paymentMethodToken: String,
        idempotencyKey: String
    ) async throws -> PaymentReceipt

    /// Refunds a captured payment in full.
    ///
    /// - Throws: ``OrderFulfillmentError`` `notFound` for an unknown payment, `alreadyUndone`
    ///   when it was refunded under another key, `unavailable` / `timeout`.
    func refund(paymentID: String, idempotencyKey: String) async throws -> RefundReceipt
}
