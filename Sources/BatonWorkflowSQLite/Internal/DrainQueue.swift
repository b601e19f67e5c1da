import Dispatch
import Synchronization

/// Work items for a loop that runs on a dispatch queue of its own while there are any: the
/// first item appended while no loop runs starts one, and the loop takes items until none is
/// left. The store's commit loop and its log syncer are both built on it.
final class DrainQueue<Item: Sendable>: Sendable {
    private struct State {
        var items: [Item] = []
        var draining = false
    }

    private let state = Mutex(State())
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    /// Appends `item`, and runs `drain` on the queue unless a drain is running.
    func append(_ item: Item, drain: @escaping @Sendable () -> Void) {
        let start = state.withLock { s in
            s.items.append(item)
            if s.draining { return false }
            s.draining = true
            return true
        }
        if start { queue.async(execute: drain) }
    }

    /// Takes up to `limit` items, oldest first. An empty answer ends the drain: the next
    /// ``append(_:drain:)`` starts another.
    func take(upTo limit: Int = .max) -> [Item] {
        state.withLock { s in
            let taken = Array(s.items.prefix(limit))
            s.items.removeFirst(taken.count)
            if taken.isEmpty { s.draining = false }
            return taken
        }
    }

    var isEmpty: Bool { state.withLock { $0.items.isEmpty } }
}
