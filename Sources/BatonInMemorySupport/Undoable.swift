/// A record a compensation can undo once: undone records stay, so that a second undo is told
/// apart from an unknown id.
public struct Undoable<Value: Sendable>: Sendable {
    /// The record as it was made.
    public var value: Value
    /// Whether a compensation has undone it.
    public var undone: Bool

    /// A record not undone yet, unless `undone` says otherwise.
    public init(value: Value, undone: Bool = false) {
        self.value = value
        self.undone = undone
    }
}

extension Dictionary where Key == String {
    /// Marks the record `id` undone and returns its value.
    ///
    /// - Throws: `notFound()` for an unknown id, `alreadyUndone()` when it was undone before.
    public mutating func undo<Wrapped, Failure: Error>(
        _ id: String,
        notFound: () -> Failure,
        alreadyUndone: () -> Failure
    ) throws(Failure) -> Wrapped where Value == Undoable<Wrapped> {
        guard let record = self[id] else { throw notFound() }
        guard !record.undone else { throw alreadyUndone() }
        self[id]?.undone = true
        return record.value
    }
}
