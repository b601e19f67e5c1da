/// Faults and latency injected per operation.
struct InjectedFaults<Operation: Hashable & Sendable, Failure: Error>: Sendable {
    struct Fault: Sendable {
        /// Calls of the fault's timing that still pass before the failures start.
        var skip: Int
        var remaining: Int
        var failure: Failure
        /// The call takes effect and only its answer is lost.
        var afterEffect: Bool
    }

    struct Latency: Sendable {
        var duration: Duration
        var remaining: Int
    }

    private var faults: [Operation: Fault] = [:]
    private var latencies: [Operation: Latency] = [:]

    mutating func inject(_ failure: Failure, into operation: Operation, times: Int, after: Int, afterEffect: Bool) {
        faults[operation] = times > 0 ? Fault(skip: max(0, after), remaining: times, failure: failure, afterEffect: afterEffect) : nil
    }

    /// Counts one call against the operation's fault of that timing; its failure when this call fails.
    mutating func take(_ operation: Operation, afterEffect: Bool) -> Failure? {
        guard var fault = faults[operation], fault.remaining > 0, fault.afterEffect == afterEffect else { return nil }
        if fault.skip > 0 {
            fault.skip -= 1
            faults[operation] = fault
            return nil
        }
        fault.remaining -= 1
        faults[operation] = fault.remaining > 0 ? fault : nil
        return fault.failure
    }

    mutating func setLatency(_ duration: Duration?, for operation: Operation, calls: Int) {
        latencies[operation] = duration.map { Latency(duration: $0, remaining: calls) }
    }

    /// Counts one call against the operation's latency; the delay when this call is slowed.
    mutating func takeLatency(_ operation: Operation) -> Duration? {
        guard let latency = latencies[operation], latency.remaining > 0 else { return nil }
        latencies[operation]?.remaining -= 1
        return latency.duration
    }
}
