/// The engine-wide schedule of parked workflows' wake-ups: a binary min-heap of compact
/// (instant, id) entries, about 24 bytes each.
///
/// Entries are never removed early: an instance woken by a command, or parked again with another
/// wake-up, leaves a stale entry behind that the timer service recognises (the parked table no
/// longer holds that instant for the id) and drops when it comes due.
struct TimerSchedule {
    struct Entry {
        var wake: Int64
        var id: String
    }

    private var heap: [Entry] = []

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }

    /// The earliest wake-up, if any.
    var earliest: Int64? { heap.first?.wake }

    /// The earliest entry, if any.
    var first: Entry? { heap.first }

    /// Removes the earliest entry (there must be one).
    mutating func removeFirst() {
        _ = popDue(now: .max)
    }

    mutating func insert(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].wake < heap[parent].wake else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest entry if it is due at `now`.
    mutating func popDue(now: Int64) -> Entry? {
        guard let first = heap.first, first.wake <= now else { return nil }
        let last = heap.removeLast()
        guard !heap.isEmpty else { return first }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].wake < heap[smallest].wake { smallest = left }
            if right < heap.count, heap[right].wake < heap[smallest].wake { smallest = right }
            if smallest == parent { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return first
    }
}
