import BatonWorkflow
import GRDB

/// Batches concurrent writes into one SQLite transaction (one fsync): the shared
/// `GroupCommitQueue` with a single writer.
///
/// A write that is refused (a fencing conflict, an existing id) fails alone: `apply` refuses with
/// a `WorkflowError` before it changes anything, so the others in its batch commit without a
/// savepoint per write. Any other error (SQLite's own) rolls the whole transaction back and
/// fails every write in it.
///
/// A lone write (the store is otherwise idle) commits on the caller's thread: its commit is
/// short, and handing it to the writer's queue and back would cost two thread wake-ups, more
/// than the fsync itself on an idle machine. A batch (the store is busy) commits on the writer's
/// queue, so that a long transaction never holds one of the few cooperative threads.
enum GroupCommitter {
    typealias Write = EncodedWorkflowWrite
    typealias Queue = GroupCommitQueue<Write, Write.Result>
    typealias Apply = @Sendable (Database, Write) throws -> Write.Result

    /// - Parameter syncer: when set, the connections commit with `synchronous=NORMAL` and the
    ///   log is fsynced here: by the committing thread for a lone write, by the syncer's own
    ///   thread for a batch, while the next batch commits (see `WALSyncer`).
    static func queue(writer: DatabasePool, maxBatch: Int, syncer: WALSyncer?, apply: @escaping Apply) -> Queue {
        let commit: Queue.Commit = { writes in
            do {
                if writes.count == 1 {
                    let results = try commitHere(writes, writer: writer, apply: apply)
                    try syncer?.syncHere()
                    return results
                }
                return try await writer.write { db in try results(of: writes, in: db, apply: apply) }
            } catch {
                return Array(repeating: .failure(storageError(error)), count: writes.count)
            }
        }
        guard let syncer else { return Queue(maxBatch: maxBatch, commit: commit) }
        let makeDurable: Queue.MakeDurable = { count in
            guard count > 1 else { return }  // synced by its committing thread
            do {
                try await syncer.sync()
            } catch {
                throw storageError(error)
            }
        }
        return Queue(maxBatch: maxBatch, commit: commit, makeDurable: makeDurable)
    }

    /// The synchronous commit: GRDB runs it on the calling thread when its writer is free.
    private static func commitHere(_ writes: [Write], writer: DatabasePool, apply: Apply) throws -> [Result<Write.Result, any Error>] {
        try writer.write { db in try results(of: writes, in: db, apply: apply) }
    }

    private static func results(of writes: [Write], in db: Database, apply: Apply) throws -> [Result<Write.Result, any Error>] {
        try writes.map { write in
            do {
                return .success(try apply(db, write))
            } catch let refusal as WorkflowError {
                return .failure(refusal)
            }
        }
    }

    static func storageError(_ error: any Error) -> any Error {
        if error is WorkflowError { return error }
        return WorkflowError(code: .storageFailure, message: "SQLite write failed", cause: error)
    }
}
