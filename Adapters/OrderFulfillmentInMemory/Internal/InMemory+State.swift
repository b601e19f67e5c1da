import OrderFulfillment

struct InjectedFault: Sendable {
    var remaining: Int
    var code: OrderFulfillmentError.Code
    var afterEffect: Bool
}

struct InjectedLatency: Sendable {
    var duration: Duration
    var remaining: Int
}

/// A record a compensation can undo once.
struct Undoable<Value: Sendable>: Sendable {
    var value: Value
    var undone = false
}

/// The behaviour every operation shares: the idempotency ledger, injected faults and latency,
/// call and effect counts, and id generation.
struct ServiceCore: Sendable {
    var replies: [String: any Sendable] = [:]
    var faults: [String: InjectedFault] = [:]
    var latencies: [String: InjectedLatency] = [:]
    var calls: [String: Int] = [:]
    var effects: [String: Int] = [:]
    var nextID = 0

    mutating func takeLatency(_ operation: String) -> Duration? {
        guard let latency = latencies[operation], latency.remaining > 0 else { return nil }
        latencies[operation]?.remaining -= 1
        return latency.duration
    }

    mutating func takeFault(_ operation: String) -> InjectedFault? {
        guard let fault = faults[operation], fault.remaining > 0 else { return nil }
        faults[operation]?.remaining -= 1
        return fault
    }

    mutating func makeID(_ prefix: String) -> String {
        nextID += 1
        return "\(prefix)-\(nextID)"
    }
}

extension OrderFulfillmentAdapters.InMemory {
    struct State: Sendable {
        var core = ServiceCore()
        var available: [String: Int] = [:]
        var paymentLimits: [String: Int64] = [:]
        var captured: [String: Int64] = [:]
        var reservations: [String: Undoable<InventoryReservation>] = [:]
        var payments: [String: Undoable<PaymentReceipt>] = [:]
        var deliveries: [String: Undoable<DeliveryBooking>] = [:]
        var notifications: [String] = []
    }

    /// Runs one call of `operation`: injected latency, then (under the lock) injected faults and
    /// the idempotency ledger around `effect`. A key seen before returns the first result and
    /// has no effect; refusals are not remembered, so a corrected retry can succeed.
    func perform<Result: Sendable>(
        _ operation: Operation,
        key: String,
        _ effect: (inout State) throws(OrderFulfillmentError) -> Result
    ) async throws -> Result {
        guard !key.isEmpty else { throw OrderFulfillmentError(.invalidArgument, "\(operation) needs an idempotency key") }
        if let delay = state.withLock({ $0.core.takeLatency(operation.name) }) {
            try await configuration.sleep(delay)
            try Task.checkCancellation()
        }
        return try state.withLock { (s: inout State) throws(OrderFulfillmentError) -> Result in
            s.core.calls[operation.name, default: 0] += 1
            let fault = s.core.takeFault(operation.name)
            let injected = fault.map { OrderFulfillmentError($0.code, "injected failure of \(operation)") }
            if let fault, let injected, !fault.afterEffect { throw injected }
            let replyKey = "\(operation.name)|\(key)"
            let result: Result
            if let earlier = s.core.replies[replyKey] as? Result {
                result = earlier
            } else {
                result = try effect(&s)
                s.core.replies[replyKey] = result
                s.core.effects[operation.name, default: 0] += 1
            }
            if let injected { throw injected }
            return result
        }
    }
}

/// Marks the record `id` undone and returns it.
///
/// - Throws: `notFound` for an unknown id, `alreadyUndone` when it was undone before.
func undo<Value>(_ records: inout [String: Undoable<Value>], _ id: String, _ what: String) throws(OrderFulfillmentError) -> Value {
    guard let record = records[id] else { throw OrderFulfillmentError(.notFound, "no \(what) '\(id)'") }
    guard !record.undone else { throw OrderFulfillmentError(.alreadyUndone, "\(what) '\(id)' was already undone") }
    records[id]?.undone = true
    return record.value
}
