import Dispatch
import GRDB
import Synchronization

/// Copies the write-ahead log back into the database file in the background, so that commits
/// do not pay for it.
///
/// Left to SQLite, the commit that crosses `wal_autocheckpoint` pages runs the checkpoint: it
/// copies those pages into the database file and fsyncs it before it returns, so now and then
/// one write (a workflow's start, or a whole batch) waits several milliseconds more. Here a
/// connection of its own looks every `interval`, on its own queue, and runs a passive checkpoint
/// once `threshold` writes were committed since the last one (a few pages each: about SQLite's
/// own 1,000-page threshold by default). Passive checkpoints never block the writer, which goes
/// on appending to the log meanwhile and starts it over once everything in it has been copied.
/// The store's connections keep a high `wal_autocheckpoint` (see ``SQLiteWorkflowStore``) as a
/// backstop should these fall behind.
final class SQLiteCheckpointer: Sendable {
    private let connection: DatabaseQueue
    private let queue = DispatchQueue(label: "baton.sqlite.checkpointer")
    private let interval: Duration
    private let threshold: Int
    /// Writes committed so far (the group committer's counter).
    private let committedWrites: @Sendable () -> Int
    /// `committedWrites()` at the last checkpoint; touched on `queue` only.
    private let checkpointedWrites = Mutex(0)
    private let stopped = Atomic<Bool>(false)

    init(path: String, configuration: Configuration, interval: Duration, threshold: Int, committedWrites: @escaping @Sendable () -> Int) throws {
        self.connection = try DatabaseQueue(path: path, configuration: configuration)
        self.interval = interval
        self.threshold = threshold
        self.committedWrites = committedWrites
        scheduleNext()
    }

    private func scheduleNext() {
        let nanoseconds = Int(interval.components.seconds) * 1_000_000_000 + Int(interval.components.attoseconds / 1_000_000_000)
        queue.asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) { [weak self] in
            guard let self, !self.stopped.load(ordering: .acquiring) else { return }
            let writes = self.committedWrites()
            if writes - self.checkpointedWrites.withLock({ $0 }) >= self.threshold {
                // A failed checkpoint (SQLITE_BUSY while the database closes) is retried next
                // time; the writer's own autocheckpoint bounds the log meanwhile.
                if (try? self.connection.writeWithoutTransaction({ db in try db.checkpoint(.passive) })) != nil {
                    self.checkpointedWrites.withLock { $0 = writes }
                }
            }
            self.scheduleNext()
        }
    }

    /// Stops checkpointing (waiting for one in progress) and closes the connection.
    func close() throws {
        stopped.store(true, ordering: .releasing)
        queue.sync {}
        try connection.close()
    }
}
