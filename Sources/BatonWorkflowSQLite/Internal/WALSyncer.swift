#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Makes committed transactions durable by fsyncing the write-ahead log, apart from the commit.
///
/// With `synchronous=FULL`, SQLite fsyncs the log inside every commit, so its single writer
/// waits for the disk before it can start the next batch. The store instead commits with
/// `synchronous=NORMAL` (which still syncs the log around checkpoints and when it is reused)
/// and fsyncs the log itself before answering any write: durability is the same, a write is
/// answered only once everything up to its commit is on disk, but the writer goes on with the
/// next batch while the disk works, and concurrent batches share an fsync.
final class WALSyncer: Sendable {
    private let descriptor: Int32
    private let path: String
    /// Callers waiting for the next fsync.
    private let waiting = DrainQueue<@Sendable ((any Error)?) -> Void>(label: "baton.sqlite.wal-sync")
    private let syncs = Atomic<Int>(0)

    /// Opens the log at `path` (the database's path + `-wal`), creating it empty if SQLite has
    /// not yet (an empty log is no log to SQLite).
    init(logPath path: String) throws {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw WALSyncError(path: path, operation: "open", errno: errno) }
        self.descriptor = descriptor
        self.path = path
    }

    /// fsyncs done so far.
    var fsyncs: Int { syncs.load(ordering: .relaxed) }

    /// Returns once everything written to the log before the call is durable: the next fsync
    /// started after the call serves it (and every other caller waiting meanwhile).
    func sync() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            sync { error in
                if let error { continuation.resume(throwing: error) } else { continuation.resume() }
            }
        }
    }

    /// ``sync()`` calling `done` (on the syncer's thread) with nil or the fsync's error.
    func sync(then done: @escaping @Sendable ((any Error)?) -> Void) {
        waiting.append(done) { self.drain() }
    }

    private func drain() {
        while true {
            let waiting = waiting.take()
            if waiting.isEmpty { return }
            var failure: (any Error)?
            do {
                try syncHere()
            } catch {
                failure = error
            }
            for done in waiting { done(failure) }
        }
    }

    /// fsyncs on the calling thread (the writer's, after a lone write; the syncer's own; or
    /// when opening).
    func syncHere() throws {
        let result = fdatasync(descriptor)
        syncs.add(1, ordering: .relaxed)
        guard result == 0 else { throw WALSyncError(path: path, operation: "fdatasync", errno: errno) }
    }

    func close() {
        Glibc.close(descriptor)
    }
}

struct WALSyncError: Error, CustomStringConvertible {
    var path: String
    var operation: String
    var errno: Int32
    var description: String { "\(operation) of '\(path)' failed: \(String(cString: strerror(errno)))" }
}
