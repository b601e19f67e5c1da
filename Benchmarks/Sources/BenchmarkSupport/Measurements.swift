import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Latency samples in seconds, summarised by nearest-rank percentiles.
public struct LatencySamples: Sendable {
    public private(set) var values: [Double] = []

    public init() {}

    public mutating func append(_ seconds: Double) { values.append(seconds) }
    public mutating func append(contentsOf other: LatencySamples) { values += other.values }

    public var count: Int { values.count }

    /// The nearest-rank percentile (`fraction` in 0...1), in milliseconds; NaN when empty.
    public func percentileMilliseconds(_ fraction: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))] * 1_000
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    public var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}

/// What /proc and getrusage say about this process.
public enum ProcessMemory {
    /// `VmRSS` and `VmHWM` from /proc/self/status, in KiB.
    public static func residentKiB() -> (rss: Int, hwm: Int) {
        var rss = 0
        var hwm = 0
        guard let file = fopen("/proc/self/status", "r") else { return (0, 0) }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let number = Int(text.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
            if text.hasPrefix("VmRSS:") { rss = number }
            if text.hasPrefix("VmHWM:") { hwm = number }
        }
        return (rss, hwm)
    }

    /// User plus system CPU time used by this process so far, in seconds.
    public static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}

/// An atomic integer that tasks can share (a local `Atomic` cannot be captured by them).
public final class SharedCounter: Sendable {
    private let value: Atomic<Int>

    public init(_ initial: Int = 0) { value = Atomic(initial) }

    public var current: Int { value.load(ordering: .relaxed) }

    public func store(_ newValue: Int) { value.store(newValue, ordering: .relaxed) }

    /// Adds `amount` and returns the value before.
    @discardableResult
    public func add(_ amount: Int) -> Int { value.wrappingAdd(amount, ordering: .relaxed).oldValue }
}
