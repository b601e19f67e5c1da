import Synchronization

/// A store that keeps everything in memory: for tests and for a throw-away `baton serve`.
/// It enforces the same fencing rules as the durable stores.
public final class InMemoryWorkflowStore: WorkflowStore {
    private struct Entry {
        var snapshot: WorkflowSnapshot
        var events: [WorkflowEvent]
        var owner: String?
        var leaseUntil: WorkflowInstant?
        var order: Int
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var nextOrder = 0
    }

    private let state = Mutex(State())

    public init() {}

    public func create(_ snapshot: WorkflowSnapshot, events: [WorkflowEvent], owner: String, leaseUntil: WorkflowInstant) async throws
        -> WorkflowStoreCreateResult
    {
        state.withLock { s in
            if let existing = s.entries[snapshot.id] { return .existing(existing.snapshot) }
            s.nextOrder += 1
            s.entries[snapshot.id] = Entry(snapshot: snapshot, events: events, owner: owner, leaseUntil: leaseUntil, order: s.nextOrder)
            return .created
        }
    }

    public func commit(_ commit: WorkflowCommit) async throws {
        try state.withLock { s throws(WorkflowError) in
            let stored = s.entries[commit.workflowID]
            try commit.checkFence(storedVersion: stored?.snapshot.version, leaseOwner: stored?.owner)
            guard var entry = stored else { return }
            entry.events += commit.events
            entry.snapshot = commit.snapshot
            if commit.snapshot.isFinished {
                entry.owner = nil
                entry.leaseUntil = nil
            }
            s.entries[commit.workflowID] = entry
        }
    }

    public func snapshot(id: String) async throws -> WorkflowSnapshot? {
        state.withLock { $0.entries[id]?.snapshot }
    }

    public func history(id: String) async throws -> [WorkflowEvent] {
        state.withLock { $0.entries[id]?.events ?? [] }
    }

    public func list(_ query: WorkflowQuery) async throws -> [WorkflowSnapshot] {
        state.withLock { s in
            s.entries.values.sorted { $0.order > $1.order }.map(\.snapshot).filter(query.matches)
                .dropFirst(query.offset).prefix(query.limit).map { $0 }
        }
    }

    public func count(_ query: WorkflowQuery) async throws -> Int {
        state.withLock { s in s.entries.values.count { query.matches($0.snapshot) } }
    }

    public func claim(
        owner: String, leaseUntil: WorkflowInstant, now: WorkflowInstant, after afterID: String?, limit: Int, includingOwned: Bool
    ) async throws -> [WorkflowSnapshot]
    {
        state.withLock { s in
            var claimed: [WorkflowSnapshot] = []
            let afterOrder = afterID.flatMap { s.entries[$0]?.order } ?? 0
            for (id, entry) in s.entries.sorted(by: { $0.value.order < $1.value.order })
            where claimed.count < limit && entry.order > afterOrder {
                guard !entry.snapshot.isFinished else { continue }
                let free = entry.owner == nil || (entry.leaseUntil.map { $0 <= now } ?? true) || (includingOwned && entry.owner == owner)
                guard free else { continue }
                s.entries[id]?.owner = owner
                s.entries[id]?.leaseUntil = leaseUntil
                claimed.append(entry.snapshot)
            }
            return claimed
        }
    }

    public func renewLeases(owner: String, ids: [String], until: WorkflowInstant) async throws {
        state.withLock { s in
            for id in ids where s.entries[id]?.owner == owner {
                s.entries[id]?.leaseUntil = until
            }
        }
    }

    public func statistics(since: WorkflowInstant) async throws -> WorkflowStatistics {
        state.withLock { s in
            var statistics = WorkflowStatistics(active: 0, finished: [:], averageCompletionTime: nil, countsByType: [:])
            var completionTotal = Duration.zero
            var completions = 0
            for entry in s.entries.values {
                let snapshot = entry.snapshot
                statistics.countsByType[snapshot.type, default: 0] += 1
                guard let finishedAt = snapshot.finishedAt else {
                    statistics.active += 1
                    continue
                }
                guard finishedAt >= since else { continue }
                statistics.finished[snapshot.status, default: 0] += 1
                if snapshot.status == .completed {
                    completionTotal += snapshot.createdAt.duration(to: finishedAt)
                    completions += 1
                }
            }
            if completions > 0 { statistics.averageCompletionTime = completionTotal / completions }
            return statistics
        }
    }

    /// Forgets every lease, as if the owning process had died long ago (tests of recovery).
    public func expireAllLeases() {
        state.withLock { s in
            for id in s.entries.keys {
                s.entries[id]?.owner = nil
                s.entries[id]?.leaseUntil = nil
            }
        }
    }
}

extension WorkflowStore where Self == InMemoryWorkflowStore {
    /// A store that keeps everything in memory (tests, throw-away servers).
    public static func inMemory() -> InMemoryWorkflowStore { InMemoryWorkflowStore() }
}
