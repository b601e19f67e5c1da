/// The warehouse service: stock moved between warehouses.
///
/// Every method throws ``SupplyChainError``; `unavailable` and `timedOut` may be retried with the
/// same idempotency key. A call repeated with an idempotency key already used for that call
/// returns the first call's result and has no second effect.
public protocol WarehouseTransfers: Sendable {
    /// Moves `quantity` of `sku` from one warehouse to the other at once.
    ///
    /// - Throws: `notFound` for an unknown warehouse; `insufficientStock` when the source's
    ///   available stock (on hand − reserved) is less than the quantity; `invalidArgument` for a
    ///   non-positive quantity or the same warehouse twice.
    func transfer(_ request: TransferRequest, idempotencyKey: String) async throws -> TransferReceipt

    /// Moves a transfer's stock back. Reversing a reversed transfer answers it unchanged.
    ///
    /// - Throws: `notFound` for an unknown transfer; `insufficientStock` when the destination no
    ///   longer has the quantity available.
    func reverseTransfer(id: String, idempotencyKey: String) async throws -> TransferReceipt
}
