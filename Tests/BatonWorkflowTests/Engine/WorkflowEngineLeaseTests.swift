import BatonWorkflow
import Synchronization
import Testing

@Suite("WorkflowEngine leases (several replicas on one store)")
struct WorkflowEngineLeaseTests {
    /// A replica's engine configuration: its own owner name and 30-second leases.
    static func leased(_ owner: String) -> WorkflowEngine.Configuration {
        .defaults {
            $0.owner = owner
            $0.leaseDuration = .seconds(30)
        }
    }

    /// Replica A starts the order saga "o-1" and dies while its charge is in flight, leaving the
    /// instance leased to A for 30 seconds.
    static func replicaDiesMidCharge(store: any WorkflowStore, clock: ManualWorkflowClock, ledger: StepLedger) async throws {
        let gate = Gate()
        let stuck = WorkflowEngineTests.orderSaga(ledger, charge: { context in
            ledger.record(context)
            await gate.pass()
            try Task.checkCancellation()
            return "never"
        })
        let replicaA = try WorkflowEngine(definitions: [stuck], store: store, clock: clock, configuration: leased("replica-a"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await replicaA.run() }
            try await replicaA.start(type: "order", id: "o-1")
            await gate.waitForEntries(1)
            group.cancelAll()  // replica A dies with the charge in flight
            gate.open()
            try? await group.waitForAll()
        }
    }

    @Test("a replica takes over a dead replica's workflow once its lease expires")
    func takeover() async throws {
        let ledger = StepLedger()
        let store = InMemoryWorkflowStore()
        let clock = ManualWorkflowClock()
        try await Self.replicaDiesMidCharge(store: store, clock: clock, ledger: ledger)

        let replicaB = try WorkflowEngine(
            definitions: [WorkflowEngineTests.orderSaga(ledger)], store: store, clock: clock, configuration: Self.leased("replica-b")
        )
        let final = try await withRunningEngine(replicaB) { engine in
            // B's first claim finds the instance still leased by A.
            await clock.waitForSleepers(count: 1)
            #expect(try await store.snapshot(id: "o-1")?.isFinished == false)
            clock.advance(by: .seconds(31))
            return try await engine.waitForCompletion(id: "o-1")
        }
        #expect(final.status == .completed)
        #expect(ledger.all.filter { $0.step == "charge" }.map(\.key) == ["o-1/charge", "o-1/charge"])
    }

    @Test("the periodic lease pass renews what the engine drives and claims none of it again")
    func periodicPassLeavesDrivenInstances() async throws {
        let ledger = StepLedger()
        let gate = Gate()
        let store = ClaimRecordingStore()
        let clock = ManualWorkflowClock()
        let stuck = WorkflowEngineTests.orderSaga(ledger, charge: ledger.gated(by: gate, "P1"))
        let engine = try WorkflowEngine(definitions: [stuck], store: store, clock: clock, configuration: Self.leased("replica-a"))
        let final = try await withRunningEngine(engine) { engine in
            await clock.waitForSleepers(count: 1)
            try await engine.start(type: "order", id: "o-1")
            await gate.waitForEntries(1)
            for _ in 1...3 {
                clock.advance(by: .seconds(11))  // one maintenance tick: 30 s leases, renewed every 10 s
                await clock.waitForSleepers(count: 1)
            }
            gate.open()
            return try await engine.waitForCompletion(id: "o-1")
        }
        #expect(final.status == .completed)
        #expect(store.renewals == [["o-1"], ["o-1"], ["o-1"]])
        // The start's claim (which takes back this owner's instances) and three periodic ones
        // (which do not): o-1 was created, never claimed.
        #expect(store.claims == [.init(includingOwned: true, ids: []), .init(includingOwned: false, ids: []),
                                 .init(includingOwned: false, ids: []), .init(includingOwned: false, ids: [])])
    }

    /// A start registers the instance's mailbox before its create. Recovery claiming that id
    /// meanwhile (it existed: a dead replica's) must not be turned away by that mailbox.
    @Test("a start of an existing id while recovery claims it: the claimed instance is driven")
    func startRacingRecovery() async throws {
        let ledger = StepLedger()
        let base = InMemoryWorkflowStore()
        let clock = ManualWorkflowClock()
        try await Self.replicaDiesMidCharge(store: base, clock: clock, ledger: ledger)
        clock.advance(by: .seconds(31))  // A's lease has expired

        let createGate = Gate()
        let claimGate = Gate()
        let store = ClaimRecordingStore(base, createGate: createGate, claimGate: claimGate)
        let replicaB = try WorkflowEngine(
            definitions: [WorkflowEngineTests.orderSaga(ledger)], store: store, clock: clock, configuration: Self.leased("replica-b")
        )
        let final = try await withThrowingTaskGroup(of: WorkflowSnapshot?.self) { group in
            group.addTask {
                try await withRunningEngine(replicaB) { engine in
                    async let started = engine.startReportingCreation(type: "order", id: "o-1")
                    await createGate.waitForEntries(1)  // the start's create is in flight
                    // Recovery, at the engine's start, claims o-1 meanwhile.
                    claimGate.open()
                    while !store.claims.contains(where: { $0.ids == ["o-1"] }) { try await Task.sleep(for: .milliseconds(1)) }
                    createGate.open()
                    #expect(try await started.created == false)
                    return try await engine.waitForCompletion(id: "o-1")
                }
            }
            group.addTask {
                try await Task.sleep(for: .seconds(20))
                return nil  // o-1 was never driven
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
        #expect(final?.status == .completed)
        #expect(ledger.all.filter { $0.step == "charge" }.map(\.key) == ["o-1/charge", "o-1/charge"])
    }
}

/// An in-memory store that records every claim and lease renewal made through it; with gates,
/// every create and every claim waits at its gate first.
final class ClaimRecordingStore: WorkflowStore {
    struct Claim: Equatable {
        var includingOwned: Bool
        var ids: [String]
    }

    private let base: InMemoryWorkflowStore
    private let createGate: Gate?
    private let claimGate: Gate?
    private let finishGate: Gate?
    private let recorded = Mutex<(claims: [Claim], renewals: [[String]])>(([], []))
    var claims: [Claim] { recorded.withLock { $0.claims } }
    var renewals: [[String]] { recorded.withLock { $0.renewals } }

    /// `finishGate` holds each commit that finishes a workflow until it opens.
    init(_ base: InMemoryWorkflowStore = InMemoryWorkflowStore(), createGate: Gate? = nil, claimGate: Gate? = nil, finishGate: Gate? = nil) {
        self.base = base
        self.createGate = createGate
        self.claimGate = claimGate
        self.finishGate = finishGate
    }

    func create(_ snapshot: WorkflowSnapshot, events: [WorkflowEvent], owner: String, leaseUntil: WorkflowInstant) async throws
        -> WorkflowStoreCreateResult
    {
        await createGate?.pass()
        return try await base.create(snapshot, events: events, owner: owner, leaseUntil: leaseUntil)
    }
    func commit(_ commit: WorkflowCommit) async throws {
        if commit.snapshot.isFinished { await finishGate?.pass() }
        try await base.commit(commit)
    }
    func snapshot(id: String) async throws -> WorkflowSnapshot? { try await base.snapshot(id: id) }
    func history(id: String) async throws -> [WorkflowEvent] { try await base.history(id: id) }
    func list(_ query: WorkflowQuery) async throws -> [WorkflowSnapshot] { try await base.list(query) }
    func count(_ query: WorkflowQuery) async throws -> Int { try await base.count(query) }
    func statistics(since: WorkflowInstant) async throws -> WorkflowStatistics { try await base.statistics(since: since) }

    func claim(owner: String, leaseUntil: WorkflowInstant, now: WorkflowInstant, after afterID: String?, limit: Int, includingOwned: Bool)
        async throws -> [WorkflowSnapshot]
    {
        await claimGate?.pass()
        let claimed = try await base.claim(owner: owner, leaseUntil: leaseUntil, now: now, after: afterID, limit: limit, includingOwned: includingOwned)
        recorded.withLock { $0.claims.append(Claim(includingOwned: includingOwned, ids: claimed.map(\.id))) }
        return claimed
    }

    func renewLeases(owner: String, ids: [String], until: WorkflowInstant) async throws {
        recorded.withLock { $0.renewals.append(ids) }
        try await base.renewLeases(owner: owner, ids: ids, until: until)
    }
}


@Suite("WorkflowEngine fencing (a stale replica's writes are refused)")
struct WorkflowEngineFencingTests {
    @Test("a replica that lost its lease mid-step cannot record the step's outcome over the new owner's work")
    func staleOwnerIsFenced() async throws {
        let ledger = StepLedger()
        let gate = Gate()
        let store = InMemoryWorkflowStore()
        let clock = ManualWorkflowClock()
        let slow = WorkflowEngineTests.orderSaga(ledger, charge: ledger.gated(by: gate, "stale charge of replica A"))
        let replicaA = try WorkflowEngine(definitions: [slow], store: store, clock: clock, configuration: WorkflowEngineLeaseTests.leased("replica-a"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await replicaA.run() }
            try await replicaA.start(type: "order", id: "o-1")
            await gate.waitForEntries(1)

            // A stalls past its lease (as in a long GC pause or a partition); B claims the
            // instance, runs the charge again under the same key, and finishes the saga.
            store.expireAllLeases()
            let replicaB = try WorkflowEngine(
                definitions: [WorkflowEngineTests.orderSaga(ledger)], store: store, clock: clock, configuration: WorkflowEngineLeaseTests.leased("replica-b")
            )
            let final = try await withRunningEngine(replicaB) { engine in try await engine.waitForCompletion(id: "o-1") }
            #expect(final.status == .completed)
            #expect(final.outputs["charge"] == "P1")
            let historyBefore = try await store.history(id: "o-1")

            // A wakes up: its charge returns, and its commit is refused. Shutting A down waits
            // for that in-flight attempt to be dealt with.
            gate.open()
            replicaA.beginShutdown()
            try await group.waitForAll()

            #expect(try await store.snapshot(id: "o-1") == final)
            #expect(try await store.history(id: "o-1") == historyBefore)
        }
        #expect(ledger.all.filter { $0.step == "charge" }.map(\.key) == ["o-1/charge", "o-1/charge"])
        #expect(ledger.names.filter { $0 == "ship" }.count == 1)
    }
}
