#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The real clock: `CLOCK_REALTIME` for instants; sleeps wake on the process's one
/// ``DeadlineTimer`` thread.
public struct SystemWorkflowClock: WorkflowClock {
    public init() {}

    public func now() -> WorkflowInstant {
        WorkflowInstant(nanosecondsSinceEpoch: Self.nanosecondsNow())
    }

    public func sleep(until deadline: WorkflowInstant) async throws {
        guard deadline.nanosecondsSinceEpoch > Self.nanosecondsNow() else { return }
        try await DeadlineTimer.shared.sleep(until: deadline.nanosecondsSinceEpoch)
    }

    static func nanosecondsNow() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}

extension WorkflowClock where Self == SystemWorkflowClock {
    public static var system: SystemWorkflowClock { SystemWorkflowClock() }
}
