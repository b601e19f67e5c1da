/// Polls `condition` every 10 ms of real time for up to 10 s (for tests against real servers);
/// throws ``NeverHappened`` if it never holds.
public func poll(until what: String, _ condition: () async throws -> Bool) async throws {
    for _ in 0..<1000 {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    throw NeverHappened(what: what)
}

/// What ``poll(until:_:)`` waited for in vain.
public struct NeverHappened: Error, CustomStringConvertible {
    public var what: String
    public var description: String { "never happened: \(what)" }
}
