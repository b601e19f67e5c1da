import BatonWorkflow
import GRDB

/// Batches concurrent writes into one SQLite transaction (one fsync): the shared
/// `GroupCommitQueue` with a single writer.
///
/// A write that is refused (a fencing conflict, an existing id) fails alone: `apply` refuses with
/// a `WorkflowError` before it changes anything, so the others in its batch commit without a
/// savepoint per write. Any other error (SQLite's own) rolls the whole transaction back and
/// fails every write in it.
enum GroupCommitter {
    typealias Write = EncodedWorkflowWrite
    typealias Queue = GroupCommitQueue<Write, Write.Result>

    static func queue(writer: DatabasePool, maxBatch: Int, apply: @escaping @Sendable (Database, Write) throws -> Write.Result) -> Queue {
        Queue(maxBatch: maxBatch) { writes in
            do {
                return try await writer.write { db in
                    try writes.map { write -> Result<Write.Result, any Error> in
                        do {
                            return .success(try apply(db, write))
                        } catch let refusal as WorkflowError {
                            return .failure(refusal)
                        }
                    }
                }
            } catch {
                return Array(repeating: .failure(storageError(error)), count: writes.count)
            }
        }
    }

    static func storageError(_ error: any Error) -> any Error {
        if error is WorkflowError { return error }
        return WorkflowError(code: .storageFailure, message: "SQLite write failed", cause: error)
    }
}
