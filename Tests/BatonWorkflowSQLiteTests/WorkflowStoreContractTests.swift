import BatonPostgresTesting
import BatonWorkflow
import BatonWorkflowSQLite
import Foundation
import Testing

/// One contract, run against every store implementation. The PostgreSQL cases need
/// `BATON_TEST_POSTGRES_URL` (see `TestPostgres`); each runs in a fresh schema.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case memory, sqlite, postgres
    var testDescription: String { rawValue }

    /// Every store, but PostgreSQL when `BATON_TEST_POSTGRES=skip` leaves it out.
    static var tested: [StoreKind] { TestPostgres.isEnabled ? allCases : allCases.filter { $0 != .postgres } }

    func withStore<T>(_ body: (any WorkflowStore) async throws -> T) async throws -> T {
        switch self {
        case .memory:
            return try await body(InMemoryWorkflowStore())
        case .sqlite:
            return try await withTemporaryDirectory { (dir: String) async throws in
                let store = try SQLiteWorkflowStore(path: dir + "/baton.sqlite")
                defer { try? store.close() }
                return try await body(store)
            }
        case .postgres:
            return try await TestPostgres.withStore { store in try await body(store) }
        }
    }
}

@Suite("WorkflowStore contract")
struct WorkflowStoreContractTests {
    static let definition = WorkflowDefinition("order") {
        StepDefinition.call("a", action: { _ in .null }, compensate: { _ in .null })
        StepDefinition.call("b", action: { _ in .null })
    }
    static let t0 = WorkflowInstant(nanosecondsSinceEpoch: 1_700_000_000_000_000_000)
    static let forever = WorkflowInstant(nanosecondsSinceEpoch: .max)

    static func newInstance(_ id: String, correlation: String? = nil) -> (WorkflowStateMachine, WorkflowEvent) {
        WorkflowStateMachine.create(definition: definition, id: id, input: ["id": .string(id)], correlationID: correlation, now: t0)
    }

    static func advance(_ machine: inout WorkflowStateMachine, _ kind: WorkflowEvent.Kind) throws -> (WorkflowCommit, WorkflowEvent) {
        let before = machine.snapshot.version
        let event = WorkflowEvent(workflowID: machine.snapshot.id, sequence: before + 1, timestamp: t0, kind: kind)
        try machine.apply(event)
        return (WorkflowCommit(workflowID: machine.snapshot.id, expectedVersion: before, owner: "me", events: [event], snapshot: machine.snapshot), event)
    }

    @Test("create is idempotent and returns the stored instance", arguments: StoreKind.tested)
    func create(kind: StoreKind) async throws {
        try await kind.withStore { (store: any WorkflowStore) async throws in
            let (machine, event) = Self.newInstance("w1")
            #expect(try await store.create(machine.snapshot, events: [event], owner: "me", leaseUntil: Self.forever) == .created)
            #expect(try await store.create(machine.snapshot, events: [event], owner: "me", leaseUntil: Self.forever) == .existing(machine.snapshot))
            #expect(try await store.snapshot(id: "w1") == machine.snapshot)
            #expect(try await store.history(id: "w1") == [event])
            #expect(try await store.snapshot(id: "nope") == nil)
        }
    }

    @Test("commits append history and are fenced by version and owner", arguments: StoreKind.tested)
    func fencing(kind: StoreKind) async throws {
        try await kind.withStore { (store: any WorkflowStore) async throws in
            var (machine, created) = Self.newInstance("w1")
            _ = try await store.create(machine.snapshot, events: [created], owner: "me", leaseUntil: Self.forever)
            let (commit, started) = try Self.advance(&machine, .started)
            try await store.commit(commit)
            // Replaying the same commit (stale version) is rejected.
            await #expect { try await store.commit(commit) } throws: { ($0 as? WorkflowError)?.code == .conflict }
            // Another owner cannot write while the lease is held.
            var stolen = machine
            var (next, _) = try Self.advance(&stolen, .stepStarted(step: "a", attempt: 1))
            next.owner = "someone-else"
            await #expect { try await store.commit(next) } throws: { ($0 as? WorkflowError)?.code == .conflict }
            let missing = WorkflowCommit(workflowID: "ghost", expectedVersion: 0, owner: "me", events: [], snapshot: machine.snapshot)
            await #expect { try await store.commit(missing) } throws: { ($0 as? WorkflowError)?.code == .notFound }
            #expect(try await store.history(id: "w1") == [created, started])
            #expect(try await store.snapshot(id: "w1")?.version == 2)
        }
    }

    @Test("list filters by status, type and correlation id, newest first, paged", arguments: StoreKind.tested)
    func list(kind: StoreKind) async throws {
        try await kind.withStore { (store: any WorkflowStore) async throws in
            for i in 0..<5 {
                var (machine, created) = WorkflowStateMachine.create(
                    definition: Self.definition, id: "w\(i)", input: .null, correlationID: i % 2 == 0 ? "even" : "odd",
                    now: Self.t0.advanced(by: .seconds(i))
                )
                _ = try await store.create(machine.snapshot, events: [created], owner: "me", leaseUntil: Self.forever)
                if i < 2 { try await store.commit(try Self.advance(&machine, .started).0) }
            }
            #expect(try await store.list(WorkflowQuery()).map(\.id) == ["w4", "w3", "w2", "w1", "w0"])
            #expect(try await store.list(WorkflowQuery(status: .running)).map(\.id) == ["w1", "w0"])
            #expect(try await store.list(WorkflowQuery(correlationID: "even")).map(\.id) == ["w4", "w2", "w0"])
            #expect(try await store.list(WorkflowQuery(type: "other")).isEmpty)
            #expect(try await store.list(WorkflowQuery(limit: 2, offset: 1)).map(\.id) == ["w3", "w2"])
        }
    }

    @Test("statistics count active and recently finished instances", arguments: StoreKind.tested)
    func statistics(kind: StoreKind) async throws {
        try await kind.withStore { (store: any WorkflowStore) async throws in
            let definition = Self.definition
            func finish(_ id: String, createdAt: WorkflowInstant, after: Duration, cancel: Bool) async throws {
                var (machine, created) = WorkflowStateMachine.create(definition: definition, id: id, input: .null, correlationID: nil, now: createdAt)
                _ = try await store.create(machine.snapshot, events: [created], owner: "me", leaseUntil: Self.forever)
                let end = createdAt.advanced(by: after)
                let kinds: [WorkflowEvent.Kind] = cancel
                    ? [.cancelRequested(reason: "x"), .cancelled]
                    : [.started, .stepStarted(step: "a", attempt: 1), .stepCompleted(step: "a", attempt: 1, output: .null),
                       .stepStarted(step: "b", attempt: 1), .stepCompleted(step: "b", attempt: 1, output: .null), .completed]
                for kind in kinds {
                    let before = machine.snapshot.version
                    let event = WorkflowEvent(workflowID: id, sequence: before + 1, timestamp: end, kind: kind)
                    try machine.apply(event)
                    try await store.commit(WorkflowCommit(workflowID: id, expectedVersion: before, owner: "me", events: [event], snapshot: machine.snapshot))
                }
            }
            try await finish("old", createdAt: Self.t0, after: .seconds(1), cancel: false)
            try await finish("c1", createdAt: Self.t0.advanced(by: .seconds(100)), after: .seconds(2), cancel: false)
            try await finish("c2", createdAt: Self.t0.advanced(by: .seconds(100)), after: .seconds(4), cancel: false)
            try await finish("x1", createdAt: Self.t0.advanced(by: .seconds(100)), after: .seconds(1), cancel: true)
            let (active, created) = Self.newInstance("active")
            _ = try await store.create(active.snapshot, events: [created], owner: "me", leaseUntil: Self.forever)
            let statistics = try await store.statistics(since: Self.t0.advanced(by: .seconds(50)))
            #expect(statistics.active == 1)
            #expect(statistics.finished == [.completed: 2, .cancelled: 1])
            #expect(statistics.averageCompletionTime == .seconds(3))
            #expect(statistics.countsByType == ["order": 5])
            #expect(statistics.successRate == 2.0 / 3.0)
            #expect(try await store.count(WorkflowQuery()) == 5)
            #expect(try await store.count(WorkflowQuery(status: .completed, limit: 1)) == 3)
            #expect(try await store.count(WorkflowQuery(status: .cancelled, type: "order")) == 1)
            #expect(try await store.count(WorkflowQuery(type: "refund")) == 0)
            #expect(try await store.list(WorkflowQuery(status: .completed, limit: 2, offset: 2)).map(\.id) == ["old"])
        }
    }

    @Test("claim hands out unfinished instances whose lease is free or expired", arguments: StoreKind.tested)
    func claim(kind: StoreKind) async throws {
        try await kind.withStore { (store: any WorkflowStore) async throws in
            let (a, ea) = Self.newInstance("held")
            _ = try await store.create(a.snapshot, events: [ea], owner: "replica-1", leaseUntil: Self.t0.advanced(by: .seconds(30)))
            let (b, eb) = Self.newInstance("expired")
            _ = try await store.create(b.snapshot, events: [eb], owner: "replica-1", leaseUntil: Self.t0.advanced(by: .seconds(5)))
            var (c, ec) = Self.newInstance("done")
            _ = try await store.create(c.snapshot, events: [ec], owner: "replica-1", leaseUntil: Self.forever)
            var commit = try Self.advance(&c, .cancelRequested(reason: "x")).0
            commit.owner = "replica-1"
            try await store.commit(commit)
            commit = try Self.advance(&c, .cancelled).0
            commit.owner = "replica-1"
            try await store.commit(commit)

            let now = Self.t0.advanced(by: .seconds(10))
            let claimed = try await store.claim(owner: "replica-2", leaseUntil: now.advanced(by: .seconds(30)), now: now, limit: 10)
            #expect(claimed.map(\.id) == ["expired"])
            // The lease moved: the old owner is fenced off, the new one may write.
            var expired = WorkflowStateMachine(definition: Self.definition, snapshot: claimed[0])
            var write = try Self.advance(&expired, .started).0
            write.owner = "replica-1"
            await #expect { try await store.commit(write) } throws: { ($0 as? WorkflowError)?.code == .conflict }
            write.owner = "replica-2"
            try await store.commit(write)
            try await store.renewLeases(owner: "replica-2", ids: ["expired"], until: now.advanced(by: .seconds(60)))
            let later = now.advanced(by: .seconds(40))
            #expect(try await store.claim(owner: "replica-3", leaseUntil: later, now: later, limit: 10).map(\.id) == ["held"])
        }
    }

    @Test("claim pages through instances in claim order, including those the owner already holds", arguments: StoreKind.tested)
    func claimPages(kind: StoreKind) async throws {
        try await kind.withStore { (store: any WorkflowStore) async throws in
            for i in 1...5 {
                let (machine, event) = Self.newInstance("p\(i)")
                _ = try await store.create(machine.snapshot, events: [event], owner: "me", leaseUntil: Self.forever)
            }
            var pages: [[String]] = []
            var after: String?
            repeat {
                let page = try await store.claim(owner: "me", leaseUntil: Self.forever, now: Self.t0, after: after, limit: 2, includingOwned: true)
                    .map(\.id)
                pages.append(page)
                after = page.last
            } while after != nil
            #expect(pages == [["p1", "p2"], ["p3", "p4"], ["p5"], []])
            #expect(try await store.claim(owner: "other", leaseUntil: Self.forever, now: Self.t0, after: nil, limit: 10, includingOwned: true).isEmpty)
        }
    }

    @Test("claim without the owner's own instances takes only free and expired ones", arguments: StoreKind.tested)
    func claimExcludingOwned(kind: StoreKind) async throws {
        try await kind.withStore { (store: any WorkflowStore) async throws in
            let leases: [(id: String, owner: String, seconds: Int64)] = [
                ("mine-held", "me", 30), ("mine-expired", "me", 5), ("theirs-held", "them", 30), ("theirs-expired", "them", 5),
            ]
            for lease in leases {
                let (machine, event) = Self.newInstance(lease.id)
                _ = try await store.create(machine.snapshot, events: [event], owner: lease.owner, leaseUntil: Self.t0.advanced(by: .seconds(lease.seconds)))
            }
            let now = Self.t0.advanced(by: .seconds(10))
            let until = now.advanced(by: .seconds(30))
            let claim = { (includingOwned: Bool) in
                try await store.claim(owner: "me", leaseUntil: until, now: now, after: nil, limit: 10, includingOwned: includingOwned).map(\.id).sorted()
            }
            #expect(try await claim(false) == ["mine-expired", "theirs-expired"])
            // Both are "me"'s now, under an unexpired lease: only a claim of its own takes them again.
            #expect(try await claim(false) == [])
            #expect(try await claim(true) == ["mine-expired", "mine-held", "theirs-expired"])
        }
    }
}
