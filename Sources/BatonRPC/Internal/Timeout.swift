/// The `grpc-timeout` header: at most 8 ASCII digits and one unit of H, M, S, m, u, n.
enum Timeout {
    /// Parses a header value; nil when it is malformed.
    static func parse(_ value: some BidirectionalCollection<UInt8>) -> Duration? {
        guard value.count >= 2, value.count <= 9, let unit = value.last else { return nil }
        var amount: Int64 = 0
        for byte in value.dropLast() {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            amount = amount * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        switch unit {
        case UInt8(ascii: "H"): return .seconds(amount * 3600)
        case UInt8(ascii: "M"): return .seconds(amount * 60)
        case UInt8(ascii: "S"): return .seconds(amount)
        case UInt8(ascii: "m"): return .milliseconds(amount)
        case UInt8(ascii: "u"): return .microseconds(amount)
        case UInt8(ascii: "n"): return .nanoseconds(amount)
        default: return nil
        }
    }

    /// Encodes a duration with the finest unit that fits in 8 digits (never below 1 ns).
    static func encode(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let nanos = max(0, seconds) * 1_000_000_000 + max(0, attoseconds) / 1_000_000_000
        let units: [(Int64, String)] = [(1, "n"), (1_000, "u"), (1_000_000, "m"), (1_000_000_000, "S"), (60_000_000_000, "M"), (3_600_000_000_000, "H")]
        for (scale, unit) in units {
            let amount = (nanos + scale - 1) / scale
            if amount <= 99_999_999 { return "\(max(amount, 1))\(unit)" }
        }
        return "99999999H"
    }
}
