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

    static func queue(writer: DatabasePool, maxBatch: Int, apply: @escaping Apply) -> Queue {
        Queue(maxBatch: maxBatch) { writes in
            do {
                if writes.count == 1 { return try commitHere(writes, writer: writer, apply: apply) }
                return try await writer.write { db in try results(of: writes, in: db, apply: apply) }
            } catch {
                return Array(repeating: .failure(storageError(error)), count: writes.count)
            }
        }
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
