import BatonWorkflow
import Synchronization

/// What the store last wrote to each unfinished workflow's row: its key, status and version.
///
/// A commit that finds the row at the version it last wrote can then update the row by its key:
/// no lookup through the `id` index and no `RETURNING` of the key. One that also leaves the status
/// as it was (a step completes, the next starts) touches no index at all: no delete and re-insert
/// in the `status` and `unfinished` indexes, which SQLite does for every indexed column named in
/// an UPDATE's SET, changed or not. Any other commit (the first after opening, say) takes the
/// general path by id, and so does one whose update by key finds the row otherwise than
/// remembered (it checks the id too, so it never touches another workflow's row, even after a
/// rolled-back batch).
///
/// Bounded: it forgets everything when it reaches ``capacity`` rows (a million parked
/// workflows must not keep a million entries); a forgotten row takes the general path once.
final class WrittenRows: Sendable {
    struct Row {
        var key: Int64
        var status: WorkflowStatus
        var version: Int64
    }

    static let capacity = 65_536
    private let rows = Mutex<[String: Row]>([:])

    func row(_ id: String) -> Row? {
        rows.withLock { $0[id] }
    }

    func forget(_ id: String) {
        rows.withLock { _ = $0.removeValue(forKey: id) }
    }

    /// Records the row just written for `snapshot`; forgets it once the workflow has finished.
    func wrote(_ snapshot: WorkflowSnapshot, key: Int64) {
        rows.withLock { rows in
            if snapshot.isFinished {
                rows.removeValue(forKey: snapshot.id)
                return
            }
            if rows.count >= Self.capacity, rows[snapshot.id] == nil { rows.removeAll() }
            rows[snapshot.id] = Row(key: key, status: snapshot.status, version: snapshot.version)
        }
    }
}
