@testable import BatonWorkflow
import BatonWorkflowTesting
import Testing

/// The wall-clock timer behind `SystemWorkflowClock`, each test on a timer (and thread) of its own.
@Suite("DeadlineTimer")
struct DeadlineTimerTests {
    static func now() -> Int64 { SystemWorkflowClock.nanosecondsNow() }
    static let millisecond: Int64 = 1_000_000
    static let hour: Int64 = 3_600_000 * millisecond

    /// Starts a task sleeping for an hour on `timer` and returns once its sleep is registered.
    static func hourLongSleep(on timer: DeadlineTimer) async throws -> Task<Void, any Error> {
        let expected = timer.sleeping + 1
        let sleeper = Task { try await timer.sleep(until: now() + hour) }
        try await eventually("the sleep is registered") { timer.sleeping == expected }
        return sleeper
    }

    /// Runs `body`, failing the test (instead of hanging) if it takes longer than `limit`.
    static func within(_ limit: Duration, _ body: @escaping @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await body()
                return true
            }
            group.addTask {
                try await Task.sleep(for: limit)
                return false
            }
            let finished = try await group.next() ?? false
            group.cancelAll()
            #expect(finished, "did not finish within \(limit)")
        }
    }

    @Test("sleeps wake in deadline order, none before its deadline")
    func order() async throws {
        let timer = DeadlineTimer()
        // Far enough apart that the order survives a loaded machine's scheduling delays, and far
        // enough ahead that every task sleeps before the first deadline (checked below): a task
        // that only started after its deadline would not sleep at all, in the order it started.
        let base = Self.now() + 2_000 * Self.millisecond
        let offsets: [Int64] = [300, 100, 500, 200, 0, 400]
        let wakes = try await withThrowingTaskGroup(of: (index: Int, at: Int64).self) { group in
            for (index, offset) in offsets.enumerated() {
                group.addTask {
                    try await timer.sleep(until: base + offset * Self.millisecond)
                    return (index, Self.now())
                }
            }
            while timer.sleeping < offsets.count, Self.now() < base { try await Task.sleep(for: .milliseconds(5)) }
            #expect(Self.now() < base, "the sleeps were not all registered before the first deadline")
            var wakes: [(index: Int, at: Int64)] = []
            for try await wake in group { wakes.append(wake) }
            return wakes
        }
        #expect(wakes.count == offsets.count)
        for wake in wakes {
            #expect(wake.at >= base + offsets[wake.index] * Self.millisecond, "sleep \(wake.index) woke before its deadline")
        }
        let wakeOffsets = wakes.sorted { $0.at < $1.at }.map { offsets[$0.index] }
        #expect(wakeOffsets == offsets.sorted(), "woke in the order \(wakeOffsets)")
        #expect(timer.sleeping == 0)
        #expect(timer.heapCount == 0)
    }

    @Test("cancelling a sleep ends it at once with CancellationError")
    func cancelWhileSleeping() async throws {
        let timer = DeadlineTimer()
        let sleeper = try await Self.hourLongSleep(on: timer)
        sleeper.cancel()
        try await Self.within(.seconds(30)) {
            await #expect(throws: CancellationError.self) { try await sleeper.value }
        }
        #expect(timer.sleeping == 0)
    }

    @Test("a task cancelled before it sleeps does not sleep")
    func cancelledBeforeSleeping() async throws {
        let timer = DeadlineTimer()
        try await Self.within(.seconds(30)) {
            let sleeper = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                try await timer.sleep(until: Self.now() + Self.hour)
            }
            await #expect(throws: CancellationError.self) { try await sleeper.value }
        }
        #expect(timer.sleeping == 0)
    }

    @Test("a sleep with an earlier deadline wakes the thread that waits for a later one")
    func earlierDeadline() async throws {
        let timer = DeadlineTimer()
        let late = try await Self.hourLongSleep(on: timer)
        try await Self.within(.seconds(30)) {
            let deadline = Self.now() + 20 * Self.millisecond
            try await timer.sleep(until: deadline)
            #expect(Self.now() >= deadline)
        }
        #expect(timer.sleeping == 1)
        late.cancel()
        _ = await late.result
        #expect(timer.sleeping == 0)
    }

    @Test("cancelled sleeps leave no more tombstones than live sleeps, and sleeps still wake")
    func tombstones() async throws {
        let timer = DeadlineTimer()
        let survivor = try await Self.hourLongSleep(on: timer)
        let cancelled = (0..<2_000).map { index in
            Task { try await timer.sleep(until: Self.now() + Self.hour + Int64(index)) }
        }
        try await eventually("2,001 sleeps registered") { timer.sleeping == 2_001 }
        for task in cancelled { task.cancel() }
        for task in cancelled { _ = await task.result }
        #expect(timer.sleeping == 1)
        #expect(timer.heapCount <= 64 + 2, "\(timer.heapCount) entries left for 1 live sleep")
        try await Self.within(.seconds(30)) { try await timer.sleep(until: Self.now() + 20 * Self.millisecond) }
        survivor.cancel()
        _ = await survivor.result
        #expect(timer.sleeping == 0)
    }
}
