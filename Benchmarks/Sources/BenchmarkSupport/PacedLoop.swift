#if canImport(Glibc)
import Glibc
#endif

/// Runs a blocking operation over and over for a while, back to back or evenly spaced, and times
/// each run: the loop of the benchmarks' physical references (a 4 KiB write + fsync, a bare SQLite
/// commit).
public enum PacedLoop {
    public struct Result: Sendable {
        public var runs: Int
        public var elapsed: Double
        public var latency: LatencySamples
        public var perSecond: Double { Double(runs) / elapsed }
    }

    /// Runs `operation` (given the run's index) for `duration`.
    ///
    /// - Parameter rate: runs per second, evenly spaced (the thread sleeps in between); nil for
    ///   back to back.
    public static func run(duration: Duration, rate: Double? = nil, _ operation: (Int) throws -> Void) throws -> Result {
        let clock = ContinuousClock()
        var latency = LatencySamples()
        let start = clock.now
        let end = start.advanced(by: duration)
        var index = 0
        while clock.now < end {
            if let rate {
                let idle = clock.now.duration(to: start.advanced(by: .seconds(Double(index) / rate)))
                if idle > .zero { usleep(UInt32(idle.seconds * 1_000_000)) }
            }
            let before = clock.now
            try operation(index)
            latency.append((clock.now - before).seconds)
            index += 1
        }
        return Result(runs: index, elapsed: (clock.now - start).seconds, latency: latency)
    }
}
