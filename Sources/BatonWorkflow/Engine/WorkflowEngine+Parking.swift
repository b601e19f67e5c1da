import Logging

/// Parking: an instance that only waits lives in the store, not in memory. The engine keeps its
/// id and wake-up instant (`State.parked`, and `State.timers` when it has one); a command or the
/// timer service loads its snapshot again and starts a new driver, as recovery does. The lease
/// stays with this engine the whole time, so the reloaded driver writes with the same fencing.
extension WorkflowEngine {
    /// How many unfinished instances this engine holds: `driven` ones are loaded (a driver runs,
    /// or is about to); `parked` ones only wait (for a command or a timer) and live in the store.
    public var instanceCounts: (driven: Int, parked: Int) {
        state.withLock { ($0.mailboxes.count, $0.parked.count) }
    }

    /// Where a command for an instance goes.
    enum Route {
        /// A driver runs (or is starting) and reads this mailbox.
        case driven(WorkflowMailbox)
        /// The instance was parked; the caller now holds it, with a fresh mailbox already
        /// registered (so concurrent commands queue there instead of loading it twice), and must
        /// ``load(_:mailbox:wake:)`` it.
        case adopted(WorkflowMailbox, wake: Int64)
        /// Not driven by this engine (finished, unknown, another owner's, or shutting down).
        case unknown
    }

    /// Looks up, under the state lock, where a command for `id` goes; adopts a parked instance.
    func route(to id: String, _ s: inout State) -> Route {
        if let mailbox = s.mailboxes[id] { return .driven(mailbox) }
        guard !s.shuttingDown, let wake = adopt(id, &s) else { return .unknown }
        return .adopted(s.mailboxes[id]!, wake: wake)
    }

    /// Moves a parked instance to the loaded ones, with a new mailbox. Returns its wake-up.
    private func adopt(_ id: String, _ s: inout State) -> Int64? {
        guard let wake = s.parked.removeValue(forKey: id) else { return nil }
        s.mailboxes[id] = WorkflowMailbox()
        return wake
    }

    /// Parks a driven instance whose mailbox is idle: its driver is about to end. Returns false
    /// (and changes nothing) when a command is pending or shutdown began; the driver goes on.
    func park(_ id: String, mailbox: WorkflowMailbox, until: WorkflowInstant?) -> Bool {
        let ringTimer: Bool? = state.withLock { s in
            guard !s.shuttingDown, s.mailboxes[id] === mailbox, mailbox.closeIfIdle() else { return nil }
            s.mailboxes[id] = nil
            s.latest[id] = nil
            return schedule(id, until: until, &s)
        }
        if ringTimer == true { timerDoorbell.ring() }
        return ringTimer != nil
    }

    /// Parks an instance found waiting by recovery, unless this engine already holds it.
    func parkRecovered(_ id: String, until: WorkflowInstant?) {
        let ringTimer: Bool = state.withLock { s in
            guard !s.shuttingDown, s.mailboxes[id] == nil, s.parked[id] == nil else { return false }
            return schedule(id, until: until, &s)
        }
        if ringTimer { timerDoorbell.ring() }
    }

    /// Records a parked instance. Returns whether its wake-up is now the earliest (the timer
    /// service must re-arm).
    private func schedule(_ id: String, until: WorkflowInstant?, _ s: inout State) -> Bool {
        guard let until else {
            s.parked[id] = .max
            return false
        }
        let wake = until.nanosecondsSinceEpoch
        s.parked[id] = wake
        let earliest = s.timers.earliest.map { wake < $0 } ?? true
        s.timers.insert(TimerSchedule.Entry(wake: wake, id: id))
        return earliest
    }

    /// Loads an adopted instance's state machine from the store. Returns nil when there is
    /// nothing to drive (finished or gone): the adoption is undone and queued commands are
    /// bounced to their senders. On a store error the instance is parked again and the error
    /// rethrown.
    func load(_ id: String, mailbox: WorkflowMailbox, wake: Int64) async throws -> WorkflowStateMachine? {
        let snapshot: WorkflowSnapshot?
        do {
            snapshot = try await store.snapshot(id: id)
        } catch {
            for letter in unadopt(id, mailbox: mailbox, parkAgainAt: wake) { letter.reply.resume(throwing: error) }
            throw error
        }
        guard let snapshot, !snapshot.isFinished else {
            unadopt(id, mailbox: mailbox, parkAgainAt: nil)
            if let snapshot {
                // Finished by another owner: whoever waits for it is done waiting.
                let waiters = state.withLock { $0.waiters.removeValue(forKey: id) ?? [] }
                for waiter in waiters { waiter.resolve(snapshot) }
            }
            return nil
        }
        do {
            let definition = try definition(type: snapshot.type, version: snapshot.definitionVersion)
            return WorkflowStateMachine(definition: definition, snapshot: snapshot)
        } catch {
            unadopt(id, mailbox: mailbox, parkAgainAt: nil)
            logger.error(
                "cannot load workflow: its definition is not registered",
                metadata: ["workflow.id": "\(id)", "workflow.type": "\(snapshot.type)", "error": "\(error)"]
            )
            return nil
        }
    }

    /// Starts the driver of a loaded instance (adopted, or just created with its mailbox reserved).
    /// If the engine stopped taking work, an adopted instance is parked again at `wake` and queued
    /// commands are answered with `shuttingDown`; without `wake`, the mailbox goes and its
    /// letters are bounced.
    func launch(_ job: Job, parkAgainAt wake: Int64?) {
        let id = job.machine.snapshot.id
        state.withLock { $0.latest[id] = job.machine.snapshot }
        if case .terminated = jobsContinuation.yield(job) {
            for letter in unadopt(id, mailbox: job.mailbox, parkAgainAt: wake) {
                letter.reply.resume(throwing: WorkflowError(code: .shuttingDown, message: "the workflow engine is shutting down"))
            }
        }
    }

    /// Undoes an adoption: closes the mailbox, forgets it and (with `parkAgainAt`) parks the
    /// instance again. Letters queued meanwhile are bounced (their senders look again) unless
    /// the caller takes them.
    @discardableResult
    func unadopt(_ id: String, mailbox: WorkflowMailbox, parkAgainAt wake: Int64?) -> [WorkflowMailbox.Letter] {
        let letters: [WorkflowMailbox.Letter] = state.withLock { s in
            let letters = mailbox.close()
            if s.mailboxes[id] === mailbox { s.mailboxes[id] = nil }
            s.latest[id] = nil
            if let wake, s.mailboxes[id] == nil {
                s.parked[id] = wake
                if wake != .max { s.timers.insert(TimerSchedule.Entry(wake: wake, id: id)) }
            }
            return letters
        }
        guard wake == nil else { return letters }
        for letter in letters { letter.reply.resume(throwing: NotDriven()) }
        return []
    }

    /// The timer service: one task for the whole engine. It sleeps on the clock until the
    /// earliest parked wake-up (only while there is one, so tests that count a manual clock's
    /// sleepers see none from it until something parks on a timer), then loads the instances due.
    /// Returns on shutdown, or at once when its task is cancelled (a hard stop).
    func runTimers() async {
        let batch = 256
        while !timerDoorbell.isShutdown, !Task.isCancelled {
            let now = clock.now()
            let due: [(id: String, mailbox: WorkflowMailbox, wake: Int64)] = state.withLock { s in
                var due: [(id: String, mailbox: WorkflowMailbox, wake: Int64)] = []
                guard !s.shuttingDown else { return due }
                while due.count < batch, let entry = s.timers.popDue(now: now.nanosecondsSinceEpoch) {
                    // A stale entry: the instance was woken by a command, or parked again since.
                    guard s.parked[entry.id] == entry.wake, let wake = adopt(entry.id, &s) else { continue }
                    due.append((entry.id, s.mailboxes[entry.id]!, wake))
                }
                return due
            }
            if !due.isEmpty {
                for (id, mailbox, wake) in due {
                    do {
                        guard let machine = try await load(id, mailbox: mailbox, wake: wake) else { continue }
                        launch(Job(machine: machine, mailbox: mailbox), parkAgainAt: wake)
                    } catch {
                        logger.warning("cannot load a parked workflow whose timer is due; retrying", metadata: ["workflow.id": "\(id)", "error": "\(error)"])
                        try? await Task.sleep(for: .seconds(1))
                    }
                }
                continue
            }
            let earliest: Int64? = state.withLock { s in
                // Drop stale entries first, so the service never sleeps for an instance it no longer holds.
                while let first = s.timers.first, s.parked[first.id] != first.wake { s.timers.removeFirst() }
                return s.timers.earliest
            }
            let doorbell = timerDoorbell
            let clock = self.clock
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await doorbell.wait() }
                if let earliest {
                    group.addTask { try? await clock.sleep(until: WorkflowInstant(nanosecondsSinceEpoch: earliest)) }
                }
                await group.next()
                group.cancelAll()
            }
        }
    }

    /// After the drivers have stopped: callers of `waitForCompletion` on parked instances get
    /// their stored state, as callers on driven instances get it when their driver stops.
    func resolveWaitersOfParked() async {
        let waiting: [(String, [CompletionWaiter])] = state.withLock { s in
            let ids = s.waiters.keys.filter { s.parked[$0] != nil }
            return ids.map { ($0, s.waiters.removeValue(forKey: $0) ?? []) }
        }
        for (id, waiters) in waiting {
            guard let snapshot = try? await store.snapshot(id: id) else { continue }
            for waiter in waiters { waiter.resolve(snapshot) }
        }
    }
}

/// The driver went away between looking up its mailbox and posting to it.
struct NotDriven: Error {}
