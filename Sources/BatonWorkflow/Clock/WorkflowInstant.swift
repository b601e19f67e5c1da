/// A point in wall-clock time, persisted with workflows (timers and deadlines survive restarts).
public struct WorkflowInstant: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Nanoseconds since 1970-01-01T00:00:00Z.
    public var nanosecondsSinceEpoch: Int64

    public init(nanosecondsSinceEpoch: Int64) {
        self.nanosecondsSinceEpoch = nanosecondsSinceEpoch
    }

    public static let epoch = WorkflowInstant(nanosecondsSinceEpoch: 0)

    public func advanced(by duration: Duration) -> WorkflowInstant {
        WorkflowInstant(nanosecondsSinceEpoch: nanosecondsSinceEpoch &+ duration.nanoseconds)
    }

    public func duration(to other: WorkflowInstant) -> Duration {
        .nanoseconds(other.nanosecondsSinceEpoch &- nanosecondsSinceEpoch)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.nanosecondsSinceEpoch < rhs.nanosecondsSinceEpoch
    }

    public var description: String { "@\(nanosecondsSinceEpoch)ns" }

    public init(from decoder: any Decoder) throws {
        nanosecondsSinceEpoch = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(nanosecondsSinceEpoch)
    }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (ns, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return ns &+ attoseconds / 1_000_000_000
    }

    var secondsDouble: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
