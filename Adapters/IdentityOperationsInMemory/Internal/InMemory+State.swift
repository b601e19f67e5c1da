import IdentityOperations

struct InjectedFault: Sendable {
    var remaining: Int
    var code: IdentityOperationsError.Code
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

extension IdentityOperationsAdapters.InMemory {
    struct Challenge: Sendable {
        var challenge: MfaChallenge
        var code: String
        var activated = false
    }

    struct State: Sendable {
        var core = ServiceCore()
        var tenants: Set<String> = []
        var users: [String: Undoable<UserAccount>] = [:]
        var memberships: [String: TenantMembership] = [:]
        var audit: [AuditEntry] = []
        var notifications: [NotificationMessage] = []
        var sessions: [String: Undoable<Session>] = [:]
        var challenges: [String: Undoable<Challenge>] = [:]
        /// The enrolled second factor's code, by user.
        var enrolled: [String: String] = [:]

        func activeUser(_ id: String) -> UserAccount? {
            users[id].flatMap { $0.undone ? nil : $0.value }
        }

        static func membershipKey(_ tenantID: String, _ userID: String) -> String { "\(tenantID)|\(userID)" }
    }

    /// Runs one call of `operation`: injected latency, then (under the lock) injected faults and
    /// the idempotency ledger around `effect`. A key seen before returns the first result and
    /// has no effect; refusals are not remembered, so a corrected retry can succeed. Reads pass
    /// no key.
    func perform<Result: Sendable>(
        _ operation: Operation,
        key: String?,
        _ effect: (inout State) throws(IdentityOperationsError) -> Result
    ) async throws -> Result {
        guard key?.isEmpty != true else { throw IdentityOperationsError(.invalidArgument, "\(operation) needs an idempotency key") }
        if let delay = state.withLock({ $0.core.takeLatency(operation.name) }) {
            try await configuration.sleep(delay)
            try Task.checkCancellation()
        }
        return try state.withLock { (s: inout State) throws(IdentityOperationsError) -> Result in
            s.core.calls[operation.name, default: 0] += 1
            let fault = s.core.takeFault(operation.name)
            let injected = fault.map { IdentityOperationsError($0.code, "injected failure of \(operation)") }
            if let fault, let injected, !fault.afterEffect { throw injected }
            let replyKey = key.map { "\(operation.name)|\($0)" }
            let result: Result
            if let replyKey, let earlier = s.core.replies[replyKey] as? Result {
                result = earlier
            } else {
                result = try effect(&s)
                if let replyKey {
                    s.core.replies[replyKey] = result
                    s.core.effects[operation.name, default: 0] += 1
                }
            }
            if let injected { throw injected }
            return result
        }
    }
}

/// Marks the record `id` undone and returns it.
///
/// - Throws: `notFound` for an unknown id, `alreadyUndone` when it was undone before.
func undo<Value>(_ records: inout [String: Undoable<Value>], _ id: String, _ what: String) throws(IdentityOperationsError) -> Value {
    guard let record = records[id] else { throw IdentityOperationsError(.notFound, "no \(what) '\(id)'") }
    guard !record.undone else { throw IdentityOperationsError(.alreadyUndone, "\(what) '\(id)' was already undone") }
    records[id]?.undone = true
    return record.value
}
