#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The real clock: `CLOCK_REALTIME` for instants, `Task.sleep` for waiting.
public struct SystemWorkflowClock: WorkflowClock {
    public init() {}

    public func now() -> WorkflowInstant {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return WorkflowInstant(nanosecondsSinceEpoch: Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec))
    }

    public func sleep(until deadline: WorkflowInstant) async throws {
        while true {
            let remaining = now().duration(to: deadline)
            if remaining <= .zero { return }
            try await Task.sleep(for: remaining)
        }
    }
}

extension WorkflowClock where Self == SystemWorkflowClock {
    public static var system: SystemWorkflowClock { SystemWorkflowClock() }
}
