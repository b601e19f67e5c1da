import Synchronization

/// The machinery every in-memory backend shares, around the backend's own `State`: the
/// idempotency ledger, injected faults and latency, call and effect counts, and the journal.
///
/// A backend keeps its records in `State` and runs each contract call through
/// ``perform(_:idempotencyKey:_:)`` (or ``read(_:_:)``), so that it behaves like a real atomic
/// service: a key seen before answers the first result and has no second effect, a refused call
/// changes nothing and is not remembered (a corrected retry under the same key can succeed), and
/// tests can make chosen calls slow or fail, before or after they take effect.
///
/// `Operation` names the calls (each backend has its own set); `Failure` is the backend's
/// orchestrator error, which every refusal and injected fault is thrown as.
public final class InMemoryStore<
    State: Sendable,
    Operation: Hashable & Sendable & CustomStringConvertible,
    Failure: Error
>: Sendable {
    private let contents: Mutex<Contents>
    private let sleep: @Sendable (Duration) async throws -> Void
    private let invalidArgument: @Sendable (String) -> Failure

    /// A store holding `state`.
    ///
    /// - Parameters:
    ///   - sleep: Waits out injected latency; tests pass one that sleeps on a manual clock.
    ///   - invalidArgument: Makes the backend's `invalidArgument` error with the given message:
    ///     thrown for an empty idempotency key, or a key reused for a call answering another type.
    public init(
        _ state: State,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        invalidArgument: @escaping @Sendable (String) -> Failure
    ) {
        self.contents = Mutex(Contents(state: state))
        self.sleep = sleep
        self.invalidArgument = invalidArgument
    }

    // MARK: Calls

    /// Runs one mutating call of `operation`: its injected latency, then (under the lock) any
    /// fault injected to fail it before it takes effect, then `effect` once per idempotency key.
    ///
    /// A key seen before answers the first result without running `effect`. The call is all or
    /// nothing: `effect` must refuse (throw) before it changes the state, and then nothing is
    /// recorded either, so the call may be repeated with the same key. `effect` runs on the
    /// state in place (validate first, then change): on a copy kept only on success, which
    /// shares the state's collections, its first change would copy a whole collection, and a
    /// call would cost time in proportion to everything the backend held. A fault injected
    /// with `afterEffect` is thrown once the call has succeeded (its answer is lost). A `nil`
    /// key runs `effect` every time and counts no effect (for reads that go through the same
    /// checks as writes).
    ///
    /// - Throws: `Failure` (the effect's refusal, an injected fault, an empty key, or a key
    ///   reused for another kind of call), or `CancellationError` while waiting out latency.
    public func perform<Result: Sendable>(
        _ operation: Operation,
        idempotencyKey: String?,
        _ effect: (inout State) throws(Failure) -> Result
    ) async throws -> Result {
        if let idempotencyKey, idempotencyKey.isEmpty { throw invalidArgument("\(operation) needs an idempotency key") }
        try await waitOutLatency(of: operation)
        let invalidArgument = invalidArgument
        let result = try contents.withLock { (contents: inout sending Contents) throws(Failure) -> Result in
            try contents.enter(operation)
            guard let idempotencyKey else { return try effect(&contents.state) }
            if let first = contents.ledger.firstReply(to: operation, idempotencyKey: idempotencyKey) {
                guard let first = first as? Result else {
                    throw invalidArgument("idempotency key '\(idempotencyKey)' was used for another \(operation) call")
                }
                return first
            }
            let result = try effect(&contents.state)
            contents.ledger.record(result, for: operation, idempotencyKey: idempotencyKey)
            contents.effects[operation, default: 0] += 1
            contents.journal.append(operation)
            return result
        }
        if let lost = contents.withLock({ $0.faults.take(operation, afterEffect: true) }) { throw lost }
        return result
    }

    /// Runs one read of `operation`: its injected latency and any fault injected to fail it,
    /// then `body` over the state. A read has no effect, so faults injected `afterEffect` do not
    /// apply to it.
    ///
    /// - Throws: `Failure` (the body's refusal or an injected fault), or `CancellationError`
    ///   while waiting out latency.
    public func read<Result: Sendable>(_ operation: Operation, _ body: (State) throws(Failure) -> Result) async throws -> Result {
        try await waitOutLatency(of: operation)
        return try contents.withLock { (contents: inout sending Contents) throws(Failure) -> Result in
            try contents.enter(operation)
            return try body(contents.state)
        }
    }

    /// Runs `body` with the state under the lock, bypassing the ledger, faults and counts (for
    /// seeding and inspection).
    public func withLock<Result, E: Error>(_ body: (inout State) throws(E) -> sending Result) throws(E) -> sending Result {
        try contents.withLock { (contents: inout sending Contents) throws(E) -> sending Result in try body(&contents.state) }
    }

    private func waitOutLatency(of operation: Operation) async throws {
        if let delay = contents.withLock({ $0.faults.takeLatency(operation) }) {
            try await sleep(delay)
            try Task.checkCancellation()
        }
    }

    // MARK: Fault injection

    /// Makes `times` calls of `operation` fail with `failure`, starting after the next `after`
    /// calls of the same timing (which succeed or fail on their own merits). Replaces any fault
    /// injected into `operation` before; `times` of 0 removes it.
    ///
    /// Without `afterEffect` the failing calls change nothing. With it, a call takes effect (or
    /// answers from the ledger) and only its answer is lost, as when a connection drops after
    /// the service committed; refused calls do not count against such a fault.
    public func failNext(_ operation: Operation, times: Int = 1, with failure: Failure, after: Int = 0, afterEffect: Bool = false) {
        contents.withLock { $0.faults.inject(failure, into: operation, times: times, after: after, afterEffect: afterEffect) }
    }

    /// Delays the next `calls` calls of `operation` by `duration` before they take effect
    /// (`nil` removes the delay).
    public func setLatency(_ duration: Duration?, for operation: Operation, calls: Int = .max) {
        contents.withLock { $0.faults.setLatency(duration, for: operation, calls: calls) }
    }

    // MARK: Inspection

    /// Calls received by `operation`, failed and repeated ones included.
    public func calls(of operation: Operation) -> Int {
        contents.withLock { $0.calls[operation] ?? 0 }
    }

    /// Effects `operation` had: repeated calls under a known idempotency key, refusals and
    /// reads do not count.
    public func effects(of operation: Operation) -> Int {
        contents.withLock { $0.effects[operation] ?? 0 }
    }

    /// The mutating calls that took effect, in order (idempotent repeats and refusals excluded).
    public var journal: [Operation] {
        contents.withLock { $0.journal }
    }
}

extension InMemoryStore {
    /// The backend's state and the machinery around it, guarded by one lock.
    struct Contents: Sendable {
        var state: State
        var ledger = IdempotencyLedger<Operation>()
        var faults = InjectedFaults<Operation, Failure>()
        var calls: [Operation: Int] = [:]
        var effects: [Operation: Int] = [:]
        var journal: [Operation] = []

        /// Counts the call and throws any fault injected to fail it before it takes effect.
        mutating func enter(_ operation: Operation) throws(Failure) {
            calls[operation, default: 0] += 1
            if let failure = faults.take(operation, afterEffect: false) { throw failure }
        }
    }
}
