/// Durable storage for workflow instances: an append-only history per instance plus its latest
/// snapshot. The engine knows nothing of SQL; store modules implement this protocol.
///
/// Designed so that a multi-replica store (PostgreSQL) fits without engine changes:
/// - every ``commit(_:)`` is fenced by ``WorkflowCommit/expectedVersion`` (the version column) and
///   by ``WorkflowCommit/owner``: a stale owner's write fails with `WorkflowError.Code.conflict`;
/// - ``claim(owner:leaseUntil:now:after:limit:includingOwned:)`` hands out unfinished instances under a time-limited
///   lease (`FOR UPDATE SKIP LOCKED` there; a single-process store may grant every instance);
/// - ``renewLeases(owner:ids:until:)`` keeps the lease while the engine drives the instance.
///
/// Implementations should batch concurrent commits into one transaction (group commit).
public protocol WorkflowStore: Sendable {
    /// Creates an instance with its first events, unless one with that id exists.
    ///
    /// - Returns: `.created`, or `.existing(snapshot)` with the stored instance (start is idempotent).
    func create(_ snapshot: WorkflowSnapshot, events: [WorkflowEvent], owner: String, leaseUntil: WorkflowInstant) async throws
        -> WorkflowStoreCreateResult

    /// ``create(_:events:owner:leaseUntil:)``, running `whenCreated` once the instance is durably
    /// created (never when it existed, nor when the create failed): before this returns, or just
    /// after. A store that makes writes durable on a thread of its own runs it there right after
    /// answering the caller, so that what it starts (the engine wakes the instance's driver) does
    /// not delay the caller. The default runs it on the caller's task, before returning.
    func create(
        _ snapshot: WorkflowSnapshot, events: [WorkflowEvent], owner: String, leaseUntil: WorkflowInstant,
        whenCreated: @escaping @Sendable () -> Void
    ) async throws -> WorkflowStoreCreateResult

    /// Appends events and replaces the snapshot atomically.
    ///
    /// - Throws: `WorkflowError` `.conflict` when the stored version is not `expectedVersion` or the
    ///   instance is leased by another owner; `.notFound` when it does not exist.
    func commit(_ commit: WorkflowCommit) async throws

    /// The latest snapshot, or nil.
    func snapshot(id: String) async throws -> WorkflowSnapshot?

    /// The whole history, in sequence order.
    func history(id: String) async throws -> [WorkflowEvent]

    /// Instances matching the query, newest first.
    func list(_ query: WorkflowQuery) async throws -> [WorkflowSnapshot]

    /// How many instances match the query's filter (its limit and offset ignored).
    func count(_ query: WorkflowQuery) async throws -> Int

    /// Claims one page of unfinished instances for `owner`, in the store's claim order: those
    /// nobody holds, those whose lease expired, and, when `includingOwned`, those `owner` holds
    /// already (an owner that restarted takes its own back; a running owner's periodic pass leaves
    /// what it drives alone). The page starts after the instance `afterID` (nil: from the first),
    /// so a caller pages through with the last id it got.
    func claim(owner: String, leaseUntil: WorkflowInstant, now: WorkflowInstant, after afterID: String?, limit: Int, includingOwned: Bool)
        async throws -> [WorkflowSnapshot]

    /// Extends the lease on instances `owner` still holds.
    func renewLeases(owner: String, ids: [String], until: WorkflowInstant) async throws

    /// Counts for metrics: active instances, instances finished since `since` (by status, with the
    /// mean completion time), and all instances by type.
    func statistics(since: WorkflowInstant) async throws -> WorkflowStatistics
}

extension WorkflowStore {
    public func create(
        _ snapshot: WorkflowSnapshot, events: [WorkflowEvent], owner: String, leaseUntil: WorkflowInstant,
        whenCreated: @escaping @Sendable () -> Void
    ) async throws -> WorkflowStoreCreateResult {
        let result = try await create(snapshot, events: events, owner: owner, leaseUntil: leaseUntil)
        if result == .created { whenCreated() }
        return result
    }

    /// The first page of instances `owner` may claim, its own included.
    public func claim(owner: String, leaseUntil: WorkflowInstant, now: WorkflowInstant, limit: Int) async throws -> [WorkflowSnapshot] {
        try await claim(owner: owner, leaseUntil: leaseUntil, now: now, after: nil, limit: limit, includingOwned: true)
    }
}

public enum WorkflowStoreCreateResult: Sendable, Hashable {
    case created
    case existing(WorkflowSnapshot)
}

/// One fenced write of an instance.
public struct WorkflowCommit: Sendable, Hashable {
    public var workflowID: String
    /// The version the writer last saw; the store rejects the commit if it differs.
    public var expectedVersion: Int64
    /// The lease holder writing.
    public var owner: String
    public var events: [WorkflowEvent]
    public var snapshot: WorkflowSnapshot

    public init(workflowID: String, expectedVersion: Int64, owner: String, events: [WorkflowEvent], snapshot: WorkflowSnapshot) {
        self.workflowID = workflowID
        self.expectedVersion = expectedVersion
        self.owner = owner
        self.events = events
        self.snapshot = snapshot
    }
}

/// A filter for ``WorkflowStore/list(_:)``.
public struct WorkflowQuery: Sendable, Hashable {
    public var status: WorkflowStatus?
    public var type: String?
    public var correlationID: String?
    public var limit: Int
    public var offset: Int

    public init(status: WorkflowStatus? = nil, type: String? = nil, correlationID: String? = nil, limit: Int = 100, offset: Int = 0) {
        self.status = status
        self.type = type
        self.correlationID = correlationID
        self.limit = limit
        self.offset = offset
    }

    public func matches(_ snapshot: WorkflowSnapshot) -> Bool {
        (status == nil || snapshot.status == status) && (type == nil || snapshot.type == type)
            && (correlationID == nil || snapshot.correlationID == correlationID)
    }
}
