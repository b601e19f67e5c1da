#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Wakes sleeping tasks at wall-clock deadlines: one thread and one heap of deadlines for the
/// whole process, behind ``SystemWorkflowClock/sleep(until:)``.
///
/// `Task.sleep` arms a timer of its own per call, and a cancelled sleep leaves that timer armed
/// until it expires. Every step with a timeout races its attempt against a sleep; a step that
/// answers in a millisecond left a timer behind for its whole timeout, and at thousands of steps
/// a second the runtime's timer manager (creating, re-arming and firing those timers on a
/// thread of its own) took about a tenth of the server's CPU. Here a sleep is an entry in a
/// heap: cancelling it resumes its task at once and leaves only a tombstone, which the heap
/// drops when it next reaches it or when tombstones outnumber live entries; the thread waits
/// for the earliest live deadline only and is signalled only when a sleep needs it earlier.
final class DeadlineTimer: @unchecked Sendable {
    // @unchecked: every stored `var` below, and every `Sleep`'s fields, are touched only with
    // `mutex` held.

    /// The timer of ``SystemWorkflowClock``. (Tests make their own: each instance has a thread.)
    static let shared = DeadlineTimer()

    /// One sleeping task. `continuation` is nil before it is registered and once it was resumed.
    private final class Sleep: @unchecked Sendable {
        let deadline: Int64
        var continuation: CheckedContinuation<Void, any Error>?
        var cancelled = false

        init(deadline: Int64) { self.deadline = deadline }
    }

    private struct Entry {
        var deadline: Int64
        var sequence: UInt64
        var sleep: Sleep

        func isEarlier(than other: Entry) -> Bool {
            (deadline, sequence) < (other.deadline, other.sequence)
        }
    }

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// A binary min-heap by (deadline, sequence): equal deadlines wake in the order they slept.
    private var heap: [Entry] = []
    private var live = 0
    private var sequence: UInt64 = 0
    /// The deadline the thread waits for; `.min` while it is awake (it looks at the heap again
    /// before it waits), `.max` while it waits with nothing to wake.
    private var threadWaitsUntil = Int64.min

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)  // CLOCK_REALTIME, the clock of the deadlines
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { argument in
            Unmanaged<DeadlineTimer>.fromOpaque(argument!).takeUnretainedValue().run()
        }, Unmanaged.passRetained(self).toOpaque())
        precondition(created == 0, "cannot start the deadline timer's thread: \(String(cString: strerror(created)))")
        pthread_detach(thread)
    }

    /// How many sleeps are waiting (for tests and diagnostics).
    var sleeping: Int { locked { live } }

    /// Entries in the heap, tombstones of cancelled sleeps included (for tests).
    var heapCount: Int { locked { heap.count } }

    /// Suspends until the wall clock reaches `deadline` (nanoseconds since the epoch).
    ///
    /// - Throws: `CancellationError` as soon as the calling task is cancelled.
    func sleep(until deadline: Int64) async throws {
        let sleep = Sleep(deadline: deadline)
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let refused: Bool = locked {
                    if sleep.cancelled { return true }
                    sleep.continuation = continuation
                    live += 1
                    sequence &+= 1
                    push(Entry(deadline: deadline, sequence: sequence, sleep: sleep))
                    if deadline < threadWaitsUntil { pthread_cond_signal(condition) }
                    return false
                }
                if refused { continuation.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            let continuation: CheckedContinuation<Void, any Error>? = locked {
                sleep.cancelled = true
                guard let continuation = sleep.continuation else { return nil }
                sleep.continuation = nil
                live -= 1
                if heap.count > 64 && heap.count > 2 * live { dropTombstones() }
                return continuation
            }
            continuation?.resume(throwing: CancellationError())
        }
    }

    private func run() -> Never {
        pthread_mutex_lock(mutex)
        var due: [CheckedContinuation<Void, any Error>] = []
        while true {
            let now = SystemWorkflowClock.nanosecondsNow()
            while let top = heap.first, top.deadline <= now || top.sleep.continuation == nil {
                popFirst()
                if let continuation = top.sleep.continuation {
                    top.sleep.continuation = nil
                    live -= 1
                    due.append(continuation)
                }
            }
            if !due.isEmpty {
                pthread_mutex_unlock(mutex)
                for continuation in due { continuation.resume() }
                due.removeAll(keepingCapacity: true)
                pthread_mutex_lock(mutex)
                continue
            }
            if let top = heap.first {
                threadWaitsUntil = top.deadline
                var until = timespec(tv_sec: Int(top.deadline / 1_000_000_000), tv_nsec: Int(top.deadline % 1_000_000_000))
                pthread_cond_timedwait(condition, mutex, &until)
            } else {
                threadWaitsUntil = .max
                pthread_cond_wait(condition, mutex)
            }
            threadWaitsUntil = .min
        }
    }

    private func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }

    // MARK: The heap (mutex held)

    private func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].isEarlier(than: heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private func popFirst() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        siftDown(from: 0)
    }

    private func siftDown(from start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            let right = left + 1
            let child = right < heap.count && heap[right].isEarlier(than: heap[left]) ? right : left
            guard heap[child].isEarlier(than: heap[parent]) else { return }
            heap.swapAt(child, parent)
            parent = child
        }
    }

    /// Rebuilds the heap from the live entries only.
    private func dropTombstones() {
        heap.removeAll { $0.sleep.continuation == nil }
        for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(from: index) }
    }
}
