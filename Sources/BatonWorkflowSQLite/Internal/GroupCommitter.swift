import BatonWorkflow
import GRDB

/// Batches concurrent writes into one SQLite transaction (one fsync): the shared
/// `GroupCommitQueue` with a single writer. Each write runs in its own savepoint, so one write's
/// rejection (a fencing conflict) does not fail the others in its batch.
enum GroupCommitter {
    typealias Write = EncodedWorkflowWrite
    typealias Queue = GroupCommitQueue<Write, Write.Result>

    static func queue(writer: DatabasePool, maxBatch: Int, apply: @escaping @Sendable (Database, Write) throws -> Write.Result) -> Queue {
        Queue(maxBatch: maxBatch) { writes in
            do {
                return try await writer.write { db in
                    writes.map { write in
                        var result: Result<Write.Result, any Error> = .failure(CancellationError())
                        do {
                            try db.inSavepoint {
                                do {
                                    result = .success(try apply(db, write))
                                    return .commit
                                } catch let error as WorkflowError {
                                    result = .failure(error)
                                    return .rollback
                                }
                            }
                        } catch {
                            result = .failure(storageError(error))
                        }
                        return result
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
