import BatonPostgresTesting
import BatonWorkflow
import BatonWorkflowPostgres
import Synchronization
import Testing

/// Two engines (replicas "a" and "b") on one PostgreSQL database, each with its own store and
/// connection pool, short leases and the system clock.
@Suite("Replicas on PostgreSQL", .enabled(if: TestPostgres.isEnabled))
struct PostgresReplicaTests {
    static let lease = Duration.milliseconds(500)
    static let jobs = 20

    /// A job whose "work" step runs `work`.
    static func definition(work: @escaping StepAction) -> WorkflowDefinition {
        WorkflowDefinition("job", configuration: .defaults { $0.retry = .none }) {
            StepDefinition.call("prepare", action: { _ in "prepared" })
            StepDefinition.call("work", action: work)
        }
    }

    static func engine(_ owner: String, store: PostgresWorkflowStore, work: @escaping StepAction) throws -> WorkflowEngine {
        try WorkflowEngine(
            definitions: [definition(work: work)],
            store: store,
            configuration: .defaults {
                $0.owner = owner
                $0.leaseDuration = lease
            }
        )
    }

    /// Polls `condition` every 20 ms for up to `timeout`.
    static func eventually(within timeout: Duration, _ condition: () async throws -> Bool) async throws -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await condition()
    }

    @Test("when a replica dies mid-step, the other takes its workflows over once the leases expire and completes them; the dead one's late write is refused")
    func takeover() async throws {
        try await TestPostgres.withFreshSchema { (configuration: PostgresWorkflowStore.Configuration) async throws in
            try await PostgresWorkflowStore.withStore(configuration) { (storeA: PostgresWorkflowStore) async throws in
                try await PostgresWorkflowStore.withStore(configuration) { (storeB: PostgresWorkflowStore) async throws in
                    let ids = (0..<Self.jobs).map { "job-\($0)" }
                    let inWorkOnA = Mutex(0)
                    let runsOnB = Mutex(0)
                    let engineA = try Self.engine("a", store: storeA) { _ in
                        inWorkOnA.withLock { $0 += 1 }
                        try await Task.sleep(for: .seconds(3600))  // blocks until a dies
                        return "by a"
                    }
                    let engineB = try Self.engine("b", store: storeB) { _ in
                        runsOnB.withLock { $0 += 1 }
                        return "by b"
                    }
                    try await withThrowingTaskGroup(of: Void.self) { replicaB in
                        var stale: [WorkflowSnapshot] = []
                        // Replica a starts every job and holds them inside "work"; b runs beside it.
                        try await withThrowingTaskGroup(of: Void.self) { replicaA in
                            replicaA.addTask { try await engineA.run() }
                            for id in ids { try await engineA.start(type: "job", id: id) }
                            #expect(try await Self.eventually(within: .seconds(10)) { inWorkOnA.withLock { $0 } == Self.jobs })
                            replicaB.addTask { try await engineB.run() }
                            // While a renews its leases (every third of a lease), b takes nothing, for several lease periods.
                            try await Task.sleep(for: Self.lease * 4)
                            #expect(runsOnB.withLock { $0 } == 0)
                            for id in ids {
                                let snapshot = try #require(try await storeB.snapshot(id: id))
                                #expect(snapshot.inFlight?.step == "work" && !snapshot.isFinished)
                                stale.append(snapshot)
                            }
                            replicaA.cancelAll()  // a dies: nothing more is recorded, its leases lapse
                            try? await replicaA.waitForAll()
                        }
                        // b takes every job over after the leases expired and completes it.
                        let done = try await Self.eventually(within: .seconds(20)) {
                            try await storeB.count(WorkflowQuery(status: .completed)) == Self.jobs
                        }
                        #expect(done, "b did not complete every job a left behind")
                        #expect(runsOnB.withLock { $0 } == Self.jobs)
                        for id in ids {
                            let final = try #require(try await storeB.snapshot(id: id))
                            #expect(final.status == .completed && final.outputs["work"] == "by b")
                        }
                        // a's write from before its death, arriving late, is fenced off.
                        let stateA = try #require(stale.first)
                        var machine = WorkflowStateMachine(definition: Self.definition { _ in .null }, snapshot: stateA)
                        let event = WorkflowEvent(
                            workflowID: stateA.id, sequence: stateA.version + 1, timestamp: stateA.updatedAt,
                            kind: .stepCompleted(step: "work", attempt: stateA.inFlight?.attempt ?? 1, output: "by a")
                        )
                        try machine.apply(event)
                        let late = WorkflowCommit(
                            workflowID: stateA.id, expectedVersion: stateA.version, owner: "a", events: [event], snapshot: machine.snapshot
                        )
                        await #expect { try await storeA.commit(late) } throws: { ($0 as? WorkflowError)?.code == .conflict }
                        #expect(try await storeB.snapshot(id: stateA.id)?.outputs["work"] == "by b")
                        engineB.beginShutdown()
                        try await replicaB.waitForAll()
                    }
                    #expect(storeB.groupCommitStatistics.writes > 0)
                }
            }
        }
    }
}
