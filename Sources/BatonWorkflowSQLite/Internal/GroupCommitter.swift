import BatonWorkflow
import GRDB

/// Batches concurrent writes into one SQLite transaction (one fsync), on the shared
/// `GroupCommitQueue` with a single writer. Each write runs in its own savepoint, so one write's
/// rejection (a fencing conflict) does not fail the others in its batch.
final class GroupCommitter: Sendable {
    typealias Write = EncodedWorkflowWrite

    private let queue: GroupCommitQueue<Write, Write.Result>

    init(writer: DatabasePool, maxBatch: Int, apply: @escaping @Sendable (Database, Write) throws -> Write.Result) {
        self.queue = GroupCommitQueue(maxBatch: maxBatch) { writes in
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
                            result = .failure(Self.storageError(error))
                        }
                        return result
                    }
                }
            } catch {
                return Array(repeating: .failure(Self.storageError(error)), count: writes.count)
            }
        }
    }

    /// Transactions committed and writes they carried (the ratio is the batching factor).
    var statistics: (batches: Int, writes: Int) { queue.statistics }

    func submit(_ write: Write) async throws -> Write.Result {
        try await queue.submit(write)
    }

    static func storageError(_ error: any Error) -> any Error {
        if error is WorkflowError { return error }
        return WorkflowError(code: .storageFailure, message: "SQLite write failed", cause: error)
    }
}
