import Logging
import ServiceLifecycle
import Synchronization

/// The durable saga executor. It starts, drives, recovers and controls workflow instances.
///
/// Run it as a `Service` (in a `ServiceGroup`): ``run()`` first recovers unfinished instances from
/// the store (an in-flight step is run again with the same idempotency key), then drives every
/// instance started with ``start(type:id:input:correlationID:metadata:version:)``. On graceful shutdown it
/// stops taking new work, lets in-flight attempts finish and persists their results, and returns.
public final class WorkflowEngine: Service {
    public struct Configuration: Sendable, Hashable {
        /// The lease owner this engine writes as (one per replica).
        public var owner: String
        /// How long a claimed instance stays leased. `nil`: until this owner releases it (a
        /// single-process store, e.g. SQLite). When set (several replicas on a shared store), the
        /// engine renews its leases every third of this duration and takes over instances whose
        /// lease expired (their owner died); a stale owner's writes are then fenced off.
        public var leaseDuration: Duration?
        /// How many instances to claim per store round-trip during recovery.
        public var recoveryBatchSize: Int
        /// How long (real time) a loaded instance waits on a timer, a retry backoff or a wait
        /// timeout before it is parked: its driver and per-instance memory are released, and the
        /// engine-wide timer service loads it again when the wait is due. An instance that waits
        /// only for a command (a signal wait without timeout, a pause) parks at once.
        public var parkAfter: Duration

        public static let defaults = Configuration(owner: "baton", leaseDuration: nil, recoveryBatchSize: 500, parkAfter: .seconds(2))

        public static func defaults(_ configure: (inout Configuration) -> Void) -> Configuration {
            var configuration = Configuration.defaults
            configure(&configuration)
            return configuration
        }
    }

    struct Job: Sendable {
        var machine: WorkflowStateMachine
        var mailbox: WorkflowMailbox
        /// Events of a new instance that its driver publishes before anything else.
        var opening: [WorkflowEvent] = []
    }

    struct State {
        /// Loaded instances (a driver runs, or is about to) by id.
        var mailboxes: [String: WorkflowMailbox] = [:]
        var latest: [String: WorkflowSnapshot] = [:]
        var waiters: [String: [CompletionWaiter]] = [:]
        /// Parked instances this engine holds, by id: their wake-up in nanoseconds since the
        /// epoch (`Int64.max`: none, a command wakes them). Disjoint from `mailboxes`.
        var parked: [String: Int64] = [:]
        /// Wake-ups of parked instances (may hold stale entries, see ``TimerSchedule``).
        var timers = TimerSchedule()
        /// Instances being started: their mailbox is registered while their create is in flight.
        var starting: Set<String> = []
        /// What recovery claimed meanwhile under the id of one being started (it existed).
        var claimedWhileStarting: [String: WorkflowStateMachine] = [:]
        var shuttingDown = false
    }

    let store: any WorkflowStore
    let eventBus: any WorkflowEventBus
    let clock: any WorkflowClock
    let configuration: Configuration
    let logger: Logger
    private let definitions: [String: [Int: WorkflowDefinition]]
    let state = Mutex(State())
    private let maintenanceWake = WorkflowMailbox()
    let timerDoorbell = Doorbell()
    private let jobs: AsyncStream<Job>
    let jobsContinuation: AsyncStream<Job>.Continuation

    /// - Throws: ``WorkflowError`` `invalidArgument` for an invalid or duplicated definition.
    public init(
        definitions: [WorkflowDefinition],
        store: any WorkflowStore,
        eventBus: any WorkflowEventBus = InMemoryWorkflowEventBus(),
        clock: any WorkflowClock = SystemWorkflowClock(),
        configuration: Configuration = .defaults,
        logger: Logger = Logger(label: "baton.workflow")
    ) throws(WorkflowError) {
        var byType: [String: [Int: WorkflowDefinition]] = [:]
        for definition in definitions {
            try definition.validate()
            guard byType[definition.type]?[definition.version] == nil else {
                throw WorkflowError(code: .invalidArgument, message: "workflow '\(definition.type)' v\(definition.version) is registered twice")
            }
            byType[definition.type, default: [:]][definition.version] = definition
        }
        self.definitions = byType
        self.store = store
        self.eventBus = eventBus
        self.clock = clock
        self.configuration = configuration
        self.logger = logger
        (self.jobs, self.jobsContinuation) = AsyncStream.makeStream(of: Job.self)
    }

    /// Every registered definition, by type then version.
    public var registeredDefinitions: [WorkflowDefinition] {
        definitions.keys.sorted().flatMap { type in definitions[type]!.keys.sorted().map { definitions[type]![$0]! } }
    }

    /// The definition of `type` at `version`, or the latest version.
    public func definition(type: String, version: Int? = nil) throws(WorkflowError) -> WorkflowDefinition {
        guard let versions = definitions[type] else {
            throw WorkflowError(code: .notFound, message: "no workflow type '\(type)' is registered")
        }
        if let version {
            guard let definition = versions[version] else {
                throw WorkflowError(code: .notFound, message: "workflow '\(type)' has no version \(version)")
            }
            return definition
        }
        return versions[versions.keys.max()!]!
    }

    // MARK: Service

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { await self.runTimers() }
                try await self.recover(includingOwned: true)
                if let leaseDuration = self.configuration.leaseDuration {
                    group.addTask { try await self.maintainLeases(every: leaseDuration / 3) }
                }
                for await job in self.jobs {
                    group.addTask { await self.drive(job) }
                }
            }
            await self.resolveWaitersOfParked()
        } onGracefulShutdown: {
            self.beginShutdown()
        }
    }

    /// Stops taking new work; drivers finish their in-flight attempt, persist it and stop.
    public func beginShutdown() {
        let mailboxes = state.withLock { s in
            s.shuttingDown = true
            return Array(s.mailboxes.values)
        }
        jobsContinuation.finish()
        maintenanceWake.shutdown()
        timerDoorbell.shutdown()
        for mailbox in mailboxes { mailbox.shutdown() }
    }

    /// Renews the leases of the instances this engine drives and claims expired ones, until shutdown.
    private func maintainLeases(every interval: Duration) async throws {
        let clock = self.clock
        let wake = maintenanceWake
        while !wake.isShutdown {
            let deadline = clock.now().advanced(by: interval)
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await wake.waitForMail() }
                group.addTask { try? await clock.sleep(until: deadline) }
                await group.next()
                group.cancelAll()
            }
            if wake.isShutdown || Task.isCancelled { return }
            let ids = state.withLock { Array($0.mailboxes.keys) + Array($0.parked.keys) }
            do {
                if !ids.isEmpty {
                    try await store.renewLeases(owner: configuration.owner, ids: ids, until: leaseUntil(clock.now()))
                }
                try await recover(includingOwned: false)
            } catch {
                logger.warning("lease maintenance failed; retrying", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Claims unfinished instances and drives or parks each. At start it takes back the instances
    /// this owner already holds (it may have restarted within their lease); the periodic pass
    /// claims only free and expired ones, so it costs nothing for what this engine drives.
    private func recover(includingOwned: Bool) async throws {
        var seen = Set<String>()
        var after: String?
        while true {
            let now = clock.now()
            let claimed = try await store.claim(
                owner: configuration.owner,
                leaseUntil: leaseUntil(now),
                now: now,
                after: after,
                limit: configuration.recoveryBatchSize,
                includingOwned: includingOwned
            )
            after = claimed.last?.id
            let fresh = claimed.filter { seen.insert($0.id).inserted }
            if fresh.isEmpty { return }
            for snapshot in fresh {
                do {
                    let definition = try definition(type: snapshot.type, version: snapshot.definitionVersion)
                    let machine = WorkflowStateMachine(definition: definition, snapshot: snapshot)
                    if handOverToStart(machine) { continue }
                    // An instance that only waits goes to the timer schedule, not into memory.
                    if case .sleep(let until) = machine.nextAction(now: now) {
                        parkRecovered(snapshot.id, until: until)
                    } else {
                        enqueue(machine)
                    }
                } catch {
                    logger.error(
                        "cannot recover workflow: its definition is not registered",
                        metadata: ["workflow.id": "\(snapshot.id)", "workflow.type": "\(snapshot.type)", "error": "\(error)"]
                    )
                }
            }
            if claimed.count < configuration.recoveryBatchSize { return }
        }
    }

    private func leaseUntil(_ now: WorkflowInstant) -> WorkflowInstant {
        if let duration = configuration.leaseDuration { return now.advanced(by: duration) }
        return WorkflowInstant(nanosecondsSinceEpoch: .max)
    }

    private func drive(_ job: Job) async {
        for event in job.opening {
            await eventBus.publish(event)
            log(event, of: job.machine.snapshot)
        }
        var driver = WorkflowDriver(engine: self, machine: job.machine, mailbox: job.mailbox)
        if await driver.run() == .parked { return }
        let leftovers = job.mailbox.close()
        if !leftovers.isEmpty {
            // Commands that arrived as the workflow ended: a workflow the store holds as finished
            // refuses them as any later command is refused; otherwise (shutdown, a lost lease, an
            // end not yet saved) it is driven no more here, and may be again elsewhere.
            let stored = try? await store.snapshot(id: job.machine.snapshot.id)
            for letter in leftovers {
                letter.reply.resume(throwing: stored.map { $0.isFinished } == true
                    ? .finished(stored!)
                    : WorkflowError(code: .shuttingDown, message: "workflow '\(job.machine.snapshot.id)' is no longer driven"))
            }
        }
        let id = job.machine.snapshot.id
        let (waiters, latest) = state.withLock { s in
            if s.mailboxes[id] === job.mailbox { s.mailboxes[id] = nil }
            return (s.waiters.removeValue(forKey: id) ?? [], s.latest.removeValue(forKey: id))
        }
        if let latest {
            for waiter in waiters { waiter.resolve(latest) }
        } else if !waiters.isEmpty {
            state.withLock { $0.waiters[id, default: []] += waiters }
        }
    }

    @discardableResult
    private func enqueue(_ machine: WorkflowStateMachine, opening: [WorkflowEvent] = []) -> Bool {
        let id = machine.snapshot.id
        let mailbox: WorkflowMailbox? = state.withLock { s in
            guard !s.shuttingDown, s.mailboxes[id] == nil, s.parked[id] == nil else { return nil }
            let mailbox = WorkflowMailbox()
            s.mailboxes[id] = mailbox
            s.latest[id] = machine.snapshot
            return mailbox
        }
        guard let mailbox else { return false }
        jobsContinuation.yield(Job(machine: machine, mailbox: mailbox, opening: opening))
        return true
    }

    /// Registers a mailbox for an instance about to be created, unless `id` is loaded or parked
    /// here (then it exists, and its create will say so).
    private func reserve(_ id: String) -> WorkflowMailbox? {
        state.withLock { s in
            guard !s.shuttingDown, s.mailboxes[id] == nil, s.parked[id] == nil else { return nil }
            let mailbox = WorkflowMailbox()
            s.mailboxes[id] = mailbox
            s.starting.insert(id)
            return mailbox
        }
    }

    /// Ends the reservation of a start whose create is settled. An instance that existed and
    /// that recovery claimed meanwhile is driven with the reserved mailbox; otherwise, when the
    /// instance was not created here, the mailbox goes and its letters are bounced.
    private func endReservation(_ id: String, mailbox: WorkflowMailbox, created: Bool) {
        let claimed = state.withLock { s in
            s.starting.remove(id)
            return s.claimedWhileStarting.removeValue(forKey: id)
        }
        if created { return }
        if let claimed {
            launch(Job(machine: claimed, mailbox: mailbox), parkAgainAt: nil)
        } else {
            unadopt(id, mailbox: mailbox, parkAgainAt: nil)
        }
    }

    /// Gives an instance recovery claimed to the start in progress under its id, if any.
    private func handOverToStart(_ machine: WorkflowStateMachine) -> Bool {
        state.withLock { s in
            guard s.starting.contains(machine.snapshot.id) else { return false }
            s.claimedWhileStarting[machine.snapshot.id] = machine
            return true
        }
    }

    func didRecord(_ snapshot: WorkflowSnapshot) {
        let waiters: [CompletionWaiter] = state.withLock { s in
            s.latest[snapshot.id] = snapshot
            guard snapshot.isFinished else { return [] }
            return s.waiters.removeValue(forKey: snapshot.id) ?? []
        }
        for waiter in waiters { waiter.resolve(snapshot) }
    }

    // MARK: Public API

    /// Starts a workflow, idempotently on `id`: starting an existing id returns that instance.
    ///
    /// - Throws: ``WorkflowError`` `notFound` (unknown type or version), `alreadyExists` (the id
    ///   belongs to a workflow of another type), `invalidArgument` (an id refused by
    ///   ``checkIdentifier(_:_:mayBeEmpty:)``, or an input that is not the definition's
    ///   ``WorkflowDefinition/input``), `shuttingDown`, or a store error.
    @discardableResult
    public func start(
        type: String,
        id: String,
        input: WorkflowValue = .null,
        correlationID: String? = nil,
        metadata: [String: String] = [:],
        version: Int? = nil
    ) async throws -> WorkflowSnapshot {
        try await startReportingCreation(type: type, id: id, input: input, correlationID: correlationID, metadata: metadata, version: version).snapshot
    }

    /// ``start(type:id:input:correlationID:metadata:version:)``, also telling whether this call created the
    /// instance (`false`: the id existed and its stored state is returned).
    public func startReportingCreation(
        type: String,
        id: String,
        input: WorkflowValue = .null,
        correlationID: String? = nil,
        metadata: [String: String] = [:],
        version: Int? = nil
    ) async throws -> (snapshot: WorkflowSnapshot, created: Bool) {
        try await startReportingCreation(type: type, id: id, input: input, correlationID: correlationID, metadata: metadata, version: version, checkingID: true)
    }

    /// `checkingID` false for ids the engine makes itself (a child's: its parent's id and step),
    /// which may pass ``maximumIdentifierLength``.
    private func startReportingCreation(
        type: String,
        id: String,
        input: WorkflowValue,
        correlationID: String?,
        metadata: [String: String],
        version: Int?,
        checkingID: Bool
    ) async throws -> (snapshot: WorkflowSnapshot, created: Bool) {
        guard !state.withLock({ $0.shuttingDown }) else {
            throw WorkflowError(code: .shuttingDown, message: "the workflow engine is shutting down")
        }
        let definition = try definition(type: type, version: version)
        do {
            if checkingID { try Self.checkIdentifier(id, "a workflow id") }
            if let correlationID { try Self.checkIdentifier(correlationID, "a correlation id", mayBeEmpty: true) }
            if let inputType = definition.input {
                do {
                    try inputType.check(input)
                } catch let error as DecodingError {
                    throw WorkflowError(code: .invalidArgument, message: "the input of \(type) does not decode as \(inputType.name): \(error.summary)")
                } catch {
                    throw WorkflowError(code: .invalidArgument, message: "the input of \(type) is refused: \(error)")
                }
            }
        } catch {
            // A repeated start returns the workflow it started (also one stored before these
            // checks), whatever it carries now.
            if !id.isEmpty, let existing = try await store.snapshot(id: id), existing.type == type { return (existing, false) }
            throw error
        }
        let now = clock.now()
        var (machine, created) = WorkflowStateMachine.create(
            definition: definition, id: id, input: input, correlationID: correlationID, metadata: metadata, now: now
        )
        // The create carries the workflow's start and its first step's: one commit fewer.
        let events = [created] + (try machine.recordOpening(now: now))
        // The mailbox is registered before the create, so a command sent once this returns finds
        // it. The store launches the driver once the create is durable, right after answering
        // this call where it can (the wake-up of another thread then does not delay the answer),
        // and the driver publishes the opening events before any later ones.
        let reserved = reserve(id)
        let result: WorkflowStoreCreateResult
        do {
            let job = reserved.map { Job(machine: machine, mailbox: $0, opening: events) }
            result = try await store.create(machine.snapshot, events: events, owner: configuration.owner, leaseUntil: leaseUntil(now)) {
                if let job { self.launch(job, parkAgainAt: nil) }
            }
        } catch {
            if let reserved { endReservation(id, mailbox: reserved, created: false) }
            throw error
        }
        if let reserved { endReservation(id, mailbox: reserved, created: result == .created) }
        switch result {
        case .existing(let existing):
            guard existing.type == type else {
                throw WorkflowError(code: .alreadyExists, message: "workflow '\(id)' exists with type '\(existing.type)'")
            }
            return (existing, false)
        case .created:
            // Not reserved: the id was loaded or parked here, yet the store created it.
            if reserved == nil { enqueue(machine, opening: events) }
            return (machine.snapshot, true)
        }
    }

    /// The longest workflow or correlation id, in UTF-8 bytes.
    public static let maximumIdentifierLength = 1024

    /// Refuses an id that is empty (unless allowed), longer than ``maximumIdentifierLength``, or
    /// holds a control character (U+0000–U+001F, U+007F), which logs, keys and stores do not all
    /// keep intact. The message does not repeat the id.
    static func checkIdentifier(_ value: String, _ what: String, mayBeEmpty: Bool = false) throws(WorkflowError) {
        if value.isEmpty, !mayBeEmpty {
            throw WorkflowError(code: .invalidArgument, message: "\(what) must not be empty")
        }
        let length = value.utf8.count
        if length > maximumIdentifierLength {
            throw WorkflowError(code: .invalidArgument, message: "\(what) must be at most \(maximumIdentifierLength) bytes, not \(length)")
        }
        if let offset = value.utf8.firstIndex(where: { $0 < 0x20 || $0 == 0x7F }).map({ value.utf8.distance(from: value.utf8.startIndex, to: $0) }) {
            throw WorkflowError(code: .invalidArgument, message: "\(what) must not contain control characters (byte \(offset) is one)")
        }
    }

    /// The latest durable state of a workflow.
    public func snapshot(id: String) async throws -> WorkflowSnapshot {
        guard let snapshot = try await store.snapshot(id: id) else {
            throw WorkflowError(code: .notFound, message: "workflow '\(id)' not found")
        }
        return snapshot
    }

    /// The event-sourced history of a workflow.
    public func history(id: String) async throws -> [WorkflowEvent] {
        let events = try await store.history(id: id)
        guard !events.isEmpty else { throw WorkflowError(code: .notFound, message: "workflow '\(id)' not found") }
        return events
    }

    public func list(_ query: WorkflowQuery = WorkflowQuery()) async throws -> [WorkflowSnapshot] {
        try await store.list(query)
    }

    /// How many workflows match the query's filter, over all pages.
    public func count(_ query: WorkflowQuery = WorkflowQuery()) async throws -> Int {
        try await store.count(query)
    }

    /// Metrics from the store: active instances, instances finished since `since`, counts by type.
    public func statistics(since: WorkflowInstant) async throws -> WorkflowStatistics {
        try await store.statistics(since: since)
    }

    /// Pauses a running workflow: its in-flight attempt finishes, then nothing more runs until resumed.
    @discardableResult
    public func pause(id: String) async throws -> WorkflowSnapshot {
        try await send(.pause, to: id).snapshot
    }

    @discardableResult
    public func resume(id: String) async throws -> WorkflowSnapshot {
        try await send(.resume, to: id).snapshot
    }

    /// Cancels a workflow and answers the compensations that will run, in order.
    @discardableResult
    public func cancel(id: String, reason: String = "") async throws -> [String] {
        try await send(.cancel(reason: reason), to: id).compensations
    }

    /// Delivers an external event to a workflow. It is kept durably until a wait step for
    /// `name` consumes it, so a signal that arrives before the wait is not lost.
    @discardableResult
    public func signal(id: String, name: String, payload: WorkflowValue = .null) async throws -> WorkflowSnapshot {
        try await send(.signal(name: name, payload: payload), to: id).snapshot
    }

    /// Waits until the workflow is finished (or is no longer driven by this engine) and returns its state.
    public func waitForCompletion(id: String) async throws -> WorkflowSnapshot {
        let waiter = CompletionWaiter()
        let cached: WorkflowSnapshot? = state.withLock { s in
            if let latest = s.latest[id], latest.isFinished { return latest }
            s.waiters[id, default: []].append(waiter)
            return nil
        }
        if let cached { return cached }
        // Registered first, then checked: a finish that happened in between is not missed.
        let stored: WorkflowSnapshot?
        do {
            stored = try await store.snapshot(id: id)
        } catch {
            removeWaiter(waiter, id: id)
            throw error
        }
        guard let stored else {
            removeWaiter(waiter, id: id)
            throw WorkflowError(code: .notFound, message: "workflow '\(id)' not found")
        }
        if stored.isFinished {
            removeWaiter(waiter, id: id)
            return stored
        }
        return await withTaskCancellationHandler {
            await waiter.wait()
        } onCancel: {
            waiter.resolve(stored)
        }
    }

    private func removeWaiter(_ waiter: CompletionWaiter, id: String) {
        state.withLock { s in
            s.waiters[id]?.removeAll { $0 === waiter }
            if s.waiters[id]?.isEmpty == true { s.waiters[id] = nil }
        }
    }


    /// Delivers a command to the instance's driver, loading a parked instance first.
    private func send(_ command: WorkflowStateMachine.Command, to id: String) async throws -> WorkflowMailbox.Reply {
        // Each round that does not answer saw the instance change hands (its driver parked or
        // stopped), so this ends once it is driven, parked nowhere, or unknown.
        while true {
            switch state.withLock({ s in route(to: id, &s) }) {
            case .unknown:
                break
            case .driven(let mailbox):
                do {
                    return try await withCheckedThrowingContinuation { continuation in
                        if !mailbox.post(.init(command: command, reply: continuation)) {
                            continuation.resume(throwing: NotDriven())
                        }
                    }
                } catch is NotDriven {
                    continue  // Parked or finished meanwhile: look again.
                }
            case .adopted(let adopted, let wake):
                guard let machine = try await load(id, mailbox: adopted, wake: wake) else { continue }
                // Posted before the driver starts, so it cannot park before answering.
                return try await withCheckedThrowingContinuation { continuation in
                    _ = adopted.post(.init(command: command, reply: continuation))
                    launch(Job(machine: machine, mailbox: adopted), parkAgainAt: wake)
                }
            }
            break
        }
        guard let stored = try await store.snapshot(id: id) else {
            throw WorkflowError(code: .notFound, message: "workflow '\(id)' not found")
        }
        throw stored.isFinished
            ? .finished(stored)
            : WorkflowError(code: .illegalTransition, message: "workflow '\(id)' (\(stored.status.rawValue)) is not driven by this engine")
    }
}

extension WorkflowError {
    /// A command for a workflow that has finished.
    static func finished(_ snapshot: WorkflowSnapshot) -> WorkflowError {
        WorkflowError(code: .illegalTransition, message: "workflow '\(snapshot.id)' is finished (\(snapshot.status.rawValue))")
    }
}

extension WorkflowEngine: ChildWorkflows {
    public func run(type: String, version: Int?, id: String, input: WorkflowValue) async throws -> WorkflowSnapshot {
        _ = try await startReportingCreation(type: type, id: id, input: input, correlationID: nil, metadata: [:], version: version, checkingID: false)
        return try await waitForCompletion(id: id)
    }
}

