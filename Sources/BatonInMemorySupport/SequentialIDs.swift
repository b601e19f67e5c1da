/// Ids an in-memory backend hands out: `prefix-1`, `prefix-2`, … with one counter for every prefix.
public struct SequentialIDs: Sendable {
    /// The number in the last id handed out (0 before the first).
    public private(set) var last = 0

    public init() {}

    /// The next id, with `prefix`.
    public mutating func next(_ prefix: String) -> String {
        last += 1
        return "\(prefix)-\(last)"
    }
}
