/// A benchmark's command-line arguments, read flag by flag:
/// `while let flag = arguments.next() { switch flag { case "--duration": x = try arguments.seconds(flag) … } }`.
public struct Arguments {
    private var rest: ArraySlice<String>

    public init(_ arguments: [String]) { rest = arguments[...] }

    /// The next flag, or nil at the end.
    public mutating func next() -> String? { rest.popFirst() }

    /// The value after `flag`.
    public mutating func value(_ flag: String) throws -> String {
        guard let value = rest.popFirst() else { throw BenchmarkError("\(flag) needs a value") }
        return value
    }

    /// A positive number after `flag`.
    public mutating func positive(_ flag: String) throws -> Double {
        guard let number = Double(try value(flag)), number > 0 else { throw BenchmarkError("\(flag) needs a positive number") }
        return number
    }

    /// A positive number of seconds after `flag`, to the millisecond.
    public mutating func seconds(_ flag: String) throws -> Duration {
        .milliseconds(Int64(try positive(flag) * 1_000))
    }

    /// A comma-separated list of counts after `flag`; zeros are dropped.
    public mutating func counts(_ flag: String) throws -> [Int] {
        let list = try value(flag).split(separator: ",").compactMap { Int($0) }
        guard !list.isEmpty, list.allSatisfy({ $0 >= 0 }) else { throw BenchmarkError("\(flag) needs a comma-separated list of counts") }
        return list.filter { $0 > 0 }
    }
}
