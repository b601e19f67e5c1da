/// The first answer of every mutating call, by operation and idempotency key.
struct IdempotencyLedger<Operation: Hashable & Sendable>: Sendable {
    private struct Key: Hashable, Sendable {
        var operation: Operation
        var idempotencyKey: String
    }

    private var replies: [Key: any Sendable] = [:]

    /// The answer of the first successful call of `operation` under `idempotencyKey`, if any.
    func firstReply(to operation: Operation, idempotencyKey: String) -> (any Sendable)? {
        replies[Key(operation: operation, idempotencyKey: idempotencyKey)]
    }

    mutating func record(_ reply: any Sendable, for operation: Operation, idempotencyKey: String) {
        replies[Key(operation: operation, idempotencyKey: idempotencyKey)] = reply
    }
}
