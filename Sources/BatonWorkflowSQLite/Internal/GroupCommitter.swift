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
/// Batches commit on the writer's queue, never on the caller's thread: callers run on the
/// cooperative pool or on an RPC connection's event loop, and a commit that waits for the disk
/// there would stall every task or connection behind it. A lone write (the store is quiet) is
/// fsynced right there on the writer's queue, saving the two thread hops to the syncer and back;
/// a batch of several is fsynced by the syncer while the writer commits the next one.
enum GroupCommitter {
    typealias Write = EncodedWorkflowWrite
    typealias Queue = GroupCommitQueue<Write, Write.Result>
    typealias Apply = @Sendable (Database, Write) throws -> Write.Result

    /// - Parameter syncer: when set, the connections commit with `synchronous=NORMAL` and the
    ///   store makes commits durable by fsyncing the log itself (see `WALSyncer`).
    static func queue(writer: DatabasePool, maxBatch: Int, syncer: WALSyncer?, apply: @escaping Apply) -> Queue {
        let commit: Queue.Commit = { writes in
            do {
                return try await writer.writeWithoutTransaction { db in
                    let committed = try inTransaction(db) { try results(of: writes, in: db, apply: apply) }
                    if writes.count == 1, let syncer { try syncer.syncHere() }
                    return committed
                }
            } catch {
                return Array(repeating: .failure(storageError(error)), count: writes.count)
            }
        }
        guard let syncer else { return Queue(maxBatch: maxBatch, commit: commit) }
        let makeDurable: Queue.MakeDurable = { count in
            guard count > 1 else { return }  // fsynced on the writer's queue
            do {
                try await syncer.sync()
            } catch {
                throw storageError(error)
            }
        }
        return Queue(maxBatch: maxBatch, commit: commit, makeDurable: makeDurable)
    }

    /// Runs `body` in one transaction. Its BEGIN and COMMIT are prepared once per connection:
    /// GRDB's `inTransaction` parses both again for every transaction, a cost a lone write feels.
    private static func inTransaction<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
        do {
            let result = try body()
            try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
            return result
        } catch {
            if db.isInsideTransaction { try? db.rollback() }
            throw error
        }
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
