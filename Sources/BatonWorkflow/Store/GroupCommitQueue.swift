import Synchronization

/// Batches a store's concurrent writes into shared commits (group commit); for store
/// implementations.
///
/// Leader/follower: a writer that finds one of the `maxConcurrentBatches` slots free becomes a
/// leader and commits its write together with everything queued so far (up to `maxBatch`);
/// writers arriving meanwhile queue up. After its batch, a leader hands its slot to the first
/// queued writer (so no caller serves others indefinitely). Under load a batch therefore carries
/// what arrived during the previous one, and the cost of a commit (an fsync, a round trip) is
/// shared by every write in it.
public final class GroupCommitQueue<Write: Sendable, Output: Sendable>: Sendable {
    /// Commits a batch and answers one result per write, in order. One write's failure (a fencing
    /// conflict) must not fail the others.
    public typealias Commit = @Sendable ([Write]) async -> [Result<Output, any Error>]

    private enum Turn: Sendable {
        case done(Output)
        case lead
    }

    private struct Pending {
        var write: Write
        var continuation: CheckedContinuation<Turn, any Error>
    }

    private struct State {
        var queue: [Pending] = []
        var leaders = 0
        var batches = 0
        var writes = 0
    }

    private let maxBatch: Int
    private let maxConcurrentBatches: Int
    private let commit: Commit
    private let state = Mutex(State())

    /// - Parameters:
    ///   - maxBatch: the most writes in one batch.
    ///   - maxConcurrentBatches: how many batches may be committing at once (1 for a store with a
    ///     single writer).
    ///   - commit: commits one batch, durably.
    public init(maxBatch: Int, maxConcurrentBatches: Int = 1, commit: @escaping Commit) {
        self.maxBatch = max(1, maxBatch)
        self.maxConcurrentBatches = max(1, maxConcurrentBatches)
        self.commit = commit
    }

    /// Batches committed and writes they carried (the ratio is the batching factor).
    public var statistics: (batches: Int, writes: Int) {
        state.withLock { ($0.batches, $0.writes) }
    }

    /// Commits `write` in the next batch and answers its result.
    public func submit(_ write: Write) async throws -> Output {
        // A free slot means nobody is queued (a leader hands its slot to the first queued writer):
        // lead at once, without suspending.
        if state.withLock({ takeSlot(&$0) }) { return try await lead(with: write) }
        let turn = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Turn, any Error>) in
            let lead = state.withLock { s in
                if takeSlot(&s) { return true }
                s.queue.append(Pending(write: write, continuation: continuation))
                return false
            }
            if lead { continuation.resume(returning: .lead) }
        }
        switch turn {
        case .done(let output):
            return output
        case .lead:
            return try await lead(with: write)
        }
    }

    /// Becomes a leader if one of the `maxConcurrentBatches` slots is free.
    private func takeSlot(_ s: inout State) -> Bool {
        guard s.leaders < maxConcurrentBatches else { return false }
        s.leaders += 1
        return true
    }

    private func lead(with own: Write) async throws -> Output {
        let followers: [Pending] = state.withLock { s in
            let taken = Array(s.queue.prefix(maxBatch - 1))
            s.queue.removeFirst(taken.count)
            return taken
        }
        let writes = [own] + followers.map(\.write)
        var results = await commit(writes)
        if results.count < writes.count {
            let missing = WorkflowError(code: .storageFailure, message: "the store's group commit answered fewer results than writes")
            results += Array(repeating: .failure(missing), count: writes.count - results.count)
        }
        // Hand the slot on before answering, so the next batch starts at once.
        let next: Pending? = state.withLock { s in
            s.batches += 1
            s.writes += writes.count
            if s.queue.isEmpty {
                s.leaders -= 1
                return nil
            }
            return s.queue.removeFirst()
        }
        next?.continuation.resume(returning: .lead)
        for (pending, result) in zip(followers, results.dropFirst()) {
            switch result {
            case .success(let output): pending.continuation.resume(returning: .done(output))
            case .failure(let error): pending.continuation.resume(throwing: error)
            }
        }
        return try results[0].get()
    }
}

/// A store's queue of encoded writes (a group commit); it gives the store ``create`` and ``commit``.
public protocol EncodedWorkflowWriteQueue: Sendable {
    /// Commits `write` with others and answers its result.
    func submit(_ write: EncodedWorkflowWrite) async throws -> EncodedWorkflowWrite.Result

    /// ``submit(_:)``, running `answered` with the result of a write that succeeded, once its caller
    /// is answered or about to be (see ``WorkflowStore/create(_:events:owner:leaseUntil:whenCreated:)``).
    func submit(_ write: EncodedWorkflowWrite, answered: @escaping @Sendable (EncodedWorkflowWrite.Result) -> Void) async throws
        -> EncodedWorkflowWrite.Result
}

extension EncodedWorkflowWriteQueue {
    /// The default runs `answered` on the caller's task, before returning.
    public func submit(_ write: EncodedWorkflowWrite, answered: @escaping @Sendable (EncodedWorkflowWrite.Result) -> Void) async throws
        -> EncodedWorkflowWrite.Result
    {
        let result = try await submit(write)
        answered(result)
        return result
    }

    /// ``WorkflowStore/create(_:events:owner:leaseUntil:)`` through the queue.
    public func create(_ snapshot: WorkflowSnapshot, events: [WorkflowEvent], owner: String, leaseUntil: WorkflowInstant) async throws
        -> WorkflowStoreCreateResult
    {
        try await create(snapshot, events: events, owner: owner, leaseUntil: leaseUntil, whenCreated: {})
    }

    /// ``WorkflowStore/create(_:events:owner:leaseUntil:whenCreated:)`` through the queue.
    public func create(
        _ snapshot: WorkflowSnapshot, events: [WorkflowEvent], owner: String, leaseUntil: WorkflowInstant,
        whenCreated: @escaping @Sendable () -> Void
    ) async throws -> WorkflowStoreCreateResult {
        let write = try EncodedWorkflowWrite.create(snapshot, events: events, owner: owner, leaseUntil: leaseUntil)
        switch try await submit(write, answered: { if case .created = $0 { whenCreated() } }) {
        case .existing(let existing): return .existing(existing)
        case .created, .committed: return .created
        }
    }

    /// ``WorkflowStore/commit(_:)`` through the queue.
    public func commit(_ commit: WorkflowCommit) async throws {
        _ = try await submit(.commit(commit))
    }
}

extension GroupCommitQueue: EncodedWorkflowWriteQueue where Write == EncodedWorkflowWrite, Output == EncodedWorkflowWrite.Result {}
