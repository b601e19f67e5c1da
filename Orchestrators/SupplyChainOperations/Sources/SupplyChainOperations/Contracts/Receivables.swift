/// The receivables service: customer invoices and credit notes.
///
/// Every method throws ``SupplyChainError``; `unavailable` and `timedOut` may be retried with the
/// same idempotency key. A call repeated with an idempotency key already used for that call
/// returns the first call's result and issues nothing more.
public protocol Receivables: Sendable {
    /// Issues an invoice for a sales order.
    ///
    /// - Throws: `notFound` for an unknown sales order; `failedPrecondition` when the order is
    ///   cancelled; `invalidArgument` for a non-positive amount.
    func issueInvoice(_ request: InvoiceRequest, idempotencyKey: String) async throws -> Invoice

    /// Issues a credit note for an authorized return.
    ///
    /// - Throws: `notFound` for an unknown return authorization; `failedPrecondition` when it is
    ///   cancelled; `invalidArgument` for a non-positive amount.
    func issueCreditNote(_ request: CreditNoteRequest, idempotencyKey: String) async throws -> CreditNote
}
