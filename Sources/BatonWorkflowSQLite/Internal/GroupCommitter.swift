import BatonWorkflow
import GRDB
import Synchronization

/// Batches concurrent writes into one SQLite transaction (one fsync), committed by a loop on a
/// queue of its own rather than by the callers' tasks.
///
/// A write is queued and its caller suspended; the loop takes everything queued (up to
/// `maxBatch`), commits it, hands it to the `WALSyncer`, and goes straight on with what queued
/// meanwhile, while the disk makes the previous batch durable. Its callers are answered once it
/// is. A leader task committing for its followers (`GroupCommitQueue`) had to be scheduled on the
/// cooperative pool between batches, behind every task the previous batch had just woken: under
/// load the writer then sat idle for about a third of the time.
///
/// A write that is refused (a fencing conflict, an existing id) fails alone: `apply` refuses with
/// a `WorkflowError` before it changes anything, so the others in its batch commit without a
/// savepoint per write. Any other error (SQLite's own) rolls the whole transaction back and
/// fails every write in it.
///
/// Commits never run on the caller's thread: callers run on the cooperative pool or on an RPC
/// connection's event loop, and a commit that waits for the disk there would stall every task or
/// connection behind it. A batch with nothing queued behind it (the store is quiet) is fsynced
/// right there on the loop's queue, saving the hops to the syncer and back.
final class GroupCommitter: EncodedWorkflowWriteQueue {
    typealias Write = EncodedWorkflowWrite
    typealias Apply = @Sendable (Database, Write) throws -> Write.Result

    private struct Pending {
        var write: Write
        var continuation: CheckedContinuation<Write.Result, any Error>
        /// Runs after the caller is answered, with the result of a write that succeeded.
        var answered: @Sendable (Write.Result) -> Void
    }

    private let writer: DatabasePool
    private let maxBatch: Int
    /// When set, the connections commit with `synchronous=NORMAL` and the store makes commits
    /// durable by fsyncing the log itself (see `WALSyncer`).
    private let syncer: WALSyncer?
    private let apply: Apply
    private let pending = DrainQueue<Pending>(label: "baton.sqlite.commits")
    /// Transactions committed, and writes they carried.
    private let committed = Mutex((batches: 0, writes: 0))

    init(writer: DatabasePool, maxBatch: Int, syncer: WALSyncer?, apply: @escaping Apply) {
        self.writer = writer
        self.maxBatch = max(1, maxBatch)
        self.syncer = syncer
        self.apply = apply
    }

    /// Transactions committed and writes they carried (the ratio is the batching factor).
    var statistics: (batches: Int, writes: Int) {
        committed.withLock { $0 }
    }

    func submit(_ write: Write) async throws -> Write.Result {
        try await submit(write) { _ in }
    }

    /// Runs `answered` here, on the commit loop's (or the syncer's) thread, right after
    /// answering the caller: the caller does not wait for it.
    func submit(_ write: Write, answered: @escaping @Sendable (Write.Result) -> Void) async throws -> Write.Result {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Write.Result, any Error>) in
            pending.append(Pending(write: write, continuation: continuation, answered: answered)) { self.commitQueued() }
        }
    }

    /// Commits batches until nothing is queued.
    private func commitQueued() {
        while true {
            let batch = pending.take(upTo: maxBatch)
            if batch.isEmpty { return }
            var results = commit(batch.map(\.write))
            let nothingQueued = pending.isEmpty
            committed.withLock { c in
                c.batches += 1
                c.writes += batch.count
            }
            guard let syncer, results.contains(where: { if case .success = $0 { true } else { false } }) else {
                Self.answer(batch, results)
                continue
            }
            if nothingQueued {
                do {
                    try syncer.syncHere()
                } catch {
                    results = Self.failing(results, with: Self.storageError(error))
                }
                Self.answer(batch, results)
            } else {
                let committed = results
                syncer.sync { error in
                    Self.answer(batch, error.map { Self.failing(committed, with: Self.storageError($0)) } ?? committed)
                }
            }
        }
    }

    /// Commits `writes` in one transaction: one result per write, in order.
    private func commit(_ writes: [Write]) -> [Result<Write.Result, any Error>] {
        do {
            return try writer.writeWithoutTransaction { db in
                try Self.inTransaction(db) {
                    try writes.map { write in
                        do {
                            return .success(try apply(db, write))
                        } catch let refusal as WorkflowError {
                            return .failure(refusal)
                        }
                    }
                }
            }
        } catch {
            return Array(repeating: .failure(Self.storageError(error)), count: writes.count)
        }
    }

    /// Runs `body` in one transaction. Its BEGIN and COMMIT are prepared once per connection:
    /// GRDB's `inTransaction` parses both again for every transaction, a cost a lone write feels.
    private static func inTransaction<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").step()
        do {
            let result = try body()
            try db.cachedStatement(sql: "COMMIT TRANSACTION").step()
            return result
        } catch {
            if db.isInsideTransaction { try? db.rollback() }
            throw error
        }
    }

    /// Answers every caller first, then runs what follows the answers.
    private static func answer(_ batch: [Pending], _ results: [Result<Write.Result, any Error>]) {
        for (pending, result) in zip(batch, results) {
            pending.continuation.resume(with: result)
        }
        for (pending, result) in zip(batch, results) {
            if case .success(let output) = result { pending.answered(output) }
        }
    }

    /// A failure to make the batch durable fails every write it committed.
    private static func failing(_ results: [Result<Write.Result, any Error>], with error: any Error) -> [Result<Write.Result, any Error>] {
        results.map { result in result.flatMap { _ in .failure(error) } }
    }

    static func storageError(_ error: any Error) -> any Error {
        if error is WorkflowError { return error }
        return WorkflowError(code: .storageFailure, message: "SQLite write failed", cause: error)
    }
}
