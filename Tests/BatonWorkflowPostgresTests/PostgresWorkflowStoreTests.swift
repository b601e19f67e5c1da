import BatonPostgresTesting
import BatonWorkflow
import BatonWorkflowPostgres
import NIOCore
import NIOPosix
import Testing

/// What only the PostgreSQL store has: several stores (replicas) on one database, batched
/// commits, a clear error when the server is unreachable or refuses the login. On a real server
/// (`BATON_TEST_POSTGRES_URL`), each test in a fresh schema.
@Suite("PostgresWorkflowStore", .enabled(if: TestPostgres.isEnabled))
struct PostgresWorkflowStoreTests {
    static let definition = WorkflowDefinition("job") {
        StepDefinition.call("a", action: { _ in .null })
        StepDefinition.call("b", action: { _ in .null })
    }
    static let t0 = WorkflowInstant(nanosecondsSinceEpoch: 1_700_000_000_000_000_000)
    static let forever = WorkflowInstant(nanosecondsSinceEpoch: .max)

    static func create(_ store: some WorkflowStore, _ id: String, owner: String, leaseUntil: WorkflowInstant) async throws -> WorkflowStateMachine {
        let (machine, event) = WorkflowStateMachine.create(definition: definition, id: id, input: .null, correlationID: nil, now: t0)
        #expect(try await store.create(machine.snapshot, events: [event], owner: owner, leaseUntil: leaseUntil) == .created)
        return machine
    }

    static func next(_ machine: WorkflowStateMachine, _ kind: WorkflowEvent.Kind, owner: String) throws -> (WorkflowCommit, WorkflowStateMachine) {
        var next = machine
        let event = WorkflowEvent(workflowID: machine.snapshot.id, sequence: machine.snapshot.version + 1, timestamp: t0, kind: kind)
        try next.apply(event)
        let commit = WorkflowCommit(
            workflowID: machine.snapshot.id, expectedVersion: machine.snapshot.version, owner: owner, events: [event], snapshot: next.snapshot
        )
        return (commit, next)
    }

    static func isConflict(_ error: any Error) -> Bool { (error as? WorkflowError)?.code == .conflict }

    @Test("two replicas claiming at once never get the same instance, and between them get all")
    func concurrentClaims() async throws {
        try await TestPostgres.withFreshSchema { (configuration: PostgresWorkflowStore.Configuration) async throws in
            try await PostgresWorkflowStore.withStore(configuration) { (a: PostgresWorkflowStore) async throws in
                try await PostgresWorkflowStore.withStore(configuration) { (b: PostgresWorkflowStore) async throws in
                    let ids = (0..<200).map { "w\($0)" }
                    for id in ids { _ = try await Self.create(a, id, owner: "dead", leaseUntil: Self.t0) }
                    let now = Self.t0.advanced(by: .seconds(1))
                    @Sendable func claimAll(_ store: PostgresWorkflowStore, as owner: String) async throws -> [String] {
                        var claimed: [String] = []
                        var after: String?
                        while true {
                            let page = try await store.claim(owner: owner, leaseUntil: Self.forever, now: now, after: after, limit: 7, includingOwned: true)
                            guard let last = page.last else { return claimed }
                            claimed += page.map(\.id)
                            after = last.id
                        }
                    }
                    async let byA = claimAll(a, as: "a")
                    async let byB = claimAll(b, as: "b")
                    let (claimedA, claimedB) = try await (byA, byB)
                    #expect(Set(claimedA).isDisjoint(with: claimedB))
                    #expect(Set(claimedA).union(claimedB) == Set(ids))
                    #expect(claimedA.count + claimedB.count == ids.count)
                    let rows = try await TestPostgres.execute(
                        "SELECT id, owner FROM \"\(configuration.schema)\".workflows", on: configuration
                    ).map { try $0.decode((String, String).self) }
                    let owners = Dictionary(uniqueKeysWithValues: rows)
                    #expect(claimedA.allSatisfy { owners[$0] == "a" } && claimedB.allSatisfy { owners[$0] == "b" })
                }
            }
        }
    }

    @Test("a stale owner's write is refused after another replica took the instance over")
    func staleOwnerFenced() async throws {
        try await TestPostgres.withStore { (store: PostgresWorkflowStore) async throws in
            let machine = try await Self.create(store, "w1", owner: "a", leaseUntil: Self.t0.advanced(by: .seconds(5)))
            let (started, afterStart) = try Self.next(machine, .started, owner: "a")
            try await store.commit(started)
            let later = Self.t0.advanced(by: .seconds(10))
            #expect(try await store.claim(owner: "b", leaseUntil: later.advanced(by: .seconds(30)), now: later, limit: 10).map(\.id) == ["w1"])
            // a still believes it holds w1 at the right version: the lease fences it off.
            let (late, _) = try Self.next(afterStart, .stepStarted(step: "a", attempt: 1), owner: "a")
            await #expect {
                try await store.commit(late)
            } throws: { error in
                Self.isConflict(error) && "\(error)".contains("leased by 'b'")
            }
            // b writes; then a's write is stale by version as well.
            var byB = late
            byB.owner = "b"
            try await store.commit(byB)
            await #expect { try await store.commit(late) } throws: { Self.isConflict($0) && "\($0)".contains("is at version 3") }
            // a renewing its lease changes nothing.
            try await store.renewLeases(owner: "a", ids: ["w1"], until: Self.forever)
            #expect(try await store.claim(owner: "c", leaseUntil: Self.forever, now: later.advanced(by: .seconds(20)), limit: 10).isEmpty)
            #expect(try await store.history(id: "w1").count == 3)
        }
    }

    @Test("concurrent commits share batches; a rejected write in a batch fails alone")
    func groupCommit() async throws {
        try await TestPostgres.withStore { (store: PostgresWorkflowStore) async throws in
            var machines: [WorkflowStateMachine] = []
            for i in 0..<64 { machines.append(try await Self.create(store, "w\(i)", owner: "me", leaseUntil: Self.forever)) }
            let before = store.groupCommitStatistics
            // Every instance is written twice from the same version: one of each pair wins.
            let commits = try machines.flatMap { machine in
                [try Self.next(machine, .started, owner: "me").0, try Self.next(machine, .cancelRequested(reason: "x"), owner: "me").0]
            }
            let outcomes = await withTaskGroup(of: (String, Bool).self) { group in
                for commit in commits {
                    group.addTask {
                        do {
                            try await store.commit(commit)
                            return (commit.workflowID, true)
                        } catch {
                            return (commit.workflowID, !Self.isConflict(error))  // only a conflict may fail it
                        }
                    }
                }
                var wins: [String: Int] = [:]
                for await (id, won) in group where won { wins[id, default: 0] += 1 }
                return wins
            }
            #expect(outcomes.count == 64 && outcomes.values.allSatisfy { $0 == 1 })
            for machine in machines {
                let stored = try #require(try await store.snapshot(id: machine.snapshot.id))
                #expect(stored.version == 2)
                #expect(try await store.history(id: machine.snapshot.id).map(\.sequence) == [1, 2])
            }
            let after = store.groupCommitStatistics
            #expect(after.writes - before.writes == 128)
            #expect(after.batches - before.batches < 128, "concurrent commits should share batches")
        }
    }

    @Test("an unreachable server fails fast with a clear error")
    func unreachable() async throws {
        try await Self.expectConnectFails(port: try await Self.closedPort(), timeout: .seconds(2))
    }

    @Test("a server that accepts the connection but never answers times out")
    func silentServer() async throws {
        let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in channel.eventLoop.makeSucceededVoidFuture() }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { silent.close(promise: nil) }
        try await Self.expectConnectFails(port: try #require(silent.localAddress?.port), timeout: .seconds(1))
    }

    /// Opening the store on `port` fails with an error naming the server, well within twice `timeout`.
    static func expectConnectFails(port: Int, timeout: Duration) async throws {
        var configuration = try TestPostgres.configuration()
        configuration.host = "127.0.0.1"
        configuration.port = port
        configuration.connectTimeout = timeout
        let clock = ContinuousClock()
        let started = clock.now
        await #expect {
            try await PostgresWorkflowStore.connect(configuration)
        } throws: { error in
            guard let error = error as? WorkflowError else { return false }
            return error.code == .storageFailure && error.message.contains("cannot connect to PostgreSQL at 127.0.0.1:\(port)")
        }
        #expect(clock.now - started < timeout * 2)
    }

    @Test("wrong credentials are refused with the server's reason")
    func wrongCredentials() async throws {
        var configuration = try TestPostgres.configuration()
        configuration.username = "baton_nobody"
        configuration.password = "wrong"
        await #expect {
            try await PostgresWorkflowStore.connect(configuration)
        } throws: { error in
            guard let error = error as? WorkflowError else { return false }
            return error.code == .storageFailure && error.message.contains("as 'baton_nobody'")
                && error.message.contains("SQLSTATE 28")
        }
    }

    /// A port nothing listens on (bound, then closed).
    static func closedPort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(channel.localAddress?.port)
        try await channel.close()
        return port
    }
}
