import BatonWorkflow
import GRDB
import Synchronization

import struct Foundation.Data

/// Batches concurrent writes into one SQLite transaction (one fsync).
///
/// Leader/follower: the first writer to arrive becomes the leader and commits its write together
/// with everything queued so far; writers arriving meanwhile queue up. After its batch, the leader
/// hands leadership to the first queued writer (so no caller serves others indefinitely). Each
/// write runs in its own savepoint, so one write's rejection (a fencing conflict) does not fail
/// the others in its batch.
final class GroupCommitter: Sendable {
    /// A write whose JSON (snapshot, event bodies) the caller already encoded, so that encoding
    /// runs in the callers' tasks, in parallel, rather than on the single writer connection.
    enum Write: Sendable {
        case create(WorkflowSnapshot, snapshotJSON: Data, events: [EncodedEvent], owner: String, leaseUntil: WorkflowInstant)
        case commit(WorkflowCommit, snapshotJSON: Data, events: [EncodedEvent])
    }

    struct EncodedEvent: Sendable {
        var event: WorkflowEvent
        var body: Data
    }

    enum WriteResult: Sendable {
        case created
        case existing(WorkflowSnapshot)
        case committed
    }

    private enum Turn: Sendable {
        case done(WriteResult)
        case lead
    }

    private struct Pending {
        var write: Write
        var continuation: CheckedContinuation<Turn, any Error>
    }

    private struct State {
        var queue: [Pending] = []
        var leaderActive = false
        var batches = 0
        var writes = 0
    }

    private let writer: DatabasePool
    private let maxBatch: Int
    private let apply: @Sendable (Database, Write) throws -> WriteResult
    private let state = Mutex(State())

    init(writer: DatabasePool, maxBatch: Int, apply: @escaping @Sendable (Database, Write) throws -> WriteResult) {
        self.writer = writer
        self.maxBatch = max(1, maxBatch)
        self.apply = apply
    }

    /// Transactions committed and writes they carried (the ratio is the batching factor).
    var statistics: (batches: Int, writes: Int) {
        state.withLock { ($0.batches, $0.writes) }
    }

    func submit(_ write: Write) async throws -> WriteResult {
        let turn = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Turn, any Error>) in
            let lead = state.withLock { s in
                if s.leaderActive {
                    s.queue.append(Pending(write: write, continuation: continuation))
                    return false
                }
                s.leaderActive = true
                return true
            }
            if lead { continuation.resume(returning: .lead) }
        }
        switch turn {
        case .done(let result):
            return result
        case .lead:
            return try await lead(with: write)
        }
    }

    private func lead(with own: Write) async throws -> WriteResult {
        let followers: [Pending] = state.withLock { s in
            let taken = Array(s.queue.prefix(maxBatch - 1))
            s.queue.removeFirst(taken.count)
            return taken
        }
        let writes = [own] + followers.map(\.write)
        let apply = self.apply
        let results: [Result<WriteResult, any Error>]
        do {
            results = try await writer.write { db in
                writes.map { write in
                    var result: Result<WriteResult, any Error> = .failure(CancellationError())
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
                        result = .failure(error)
                    }
                    return result
                }
            }
        } catch {
            results = Array(repeating: .failure(Self.storageError(error)), count: writes.count)
        }
        // Hand leadership on before answering, so the next batch starts at once.
        let next: Pending? = state.withLock { s in
            s.batches += 1
            s.writes += writes.count
            if s.queue.isEmpty {
                s.leaderActive = false
                return nil
            }
            return s.queue.removeFirst()
        }
        next?.continuation.resume(returning: .lead)
        for (pending, result) in zip(followers, results.dropFirst()) {
            switch result {
            case .success(let value): pending.continuation.resume(returning: .done(value))
            case .failure(let error): pending.continuation.resume(throwing: Self.storageError(error))
            }
        }
        return try results[0].mapError(Self.storageError).get()
    }

    static func storageError(_ error: any Error) -> any Error {
        if error is WorkflowError { return error }
        return WorkflowError(code: .storageFailure, message: "SQLite write failed", cause: error)
    }
}
