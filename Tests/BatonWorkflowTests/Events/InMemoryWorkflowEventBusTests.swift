import Testing

@testable import BatonWorkflow

@Suite("InMemoryWorkflowEventBus")
struct InMemoryWorkflowEventBusTests {
    static func event(_ id: String, _ sequence: Int64, _ kind: WorkflowEvent.Kind) -> WorkflowEvent {
        WorkflowEvent(workflowID: id, sequence: sequence, timestamp: WorkflowInstant(nanosecondsSinceEpoch: sequence), kind: kind)
    }

    @Test("a watcher gets its workflow's events only, until the final one; a subscriber to everything gets all; ended streams unsubscribe")
    func routing() async throws {
        let bus = InMemoryWorkflowEventBus()
        let watchA = bus.watch(workflowID: "a")
        let watchB = bus.watch(workflowID: "b")
        let secondWatchA = bus.watch(workflowID: "a")
        var everything: AsyncStream<WorkflowEvent>? = bus.subscribe()
        #expect(bus.subscriberCount == 4)

        await bus.publish(Self.event("a", 1, .started))
        await bus.publish(Self.event("b", 1, .started))
        await bus.publish(Self.event("c", 1, .started))
        await bus.publish(Self.event("a", 2, .completed))
        await bus.publish(Self.event("b", 2, .paused))

        var a: [String] = []
        for await event in watchA { a.append("\(event.workflowID)\(event.sequence)") }  // ends after a's final event
        var a2: [String] = []
        for await event in secondWatchA { a2.append("\(event.workflowID)\(event.sequence)") }
        #expect(a == ["a1", "a2"])
        #expect(a2 == a)
        #expect(bus.subscriberCount == 2)  // b's watcher (b has not finished) and the subscriber to everything

        var all: [String] = []
        for await event in everything! {
            all.append("\(event.workflowID)\(event.sequence)")
            if all.count == 5 { break }
        }
        #expect(all == ["a1", "b1", "c1", "a2", "b2"])
        everything = nil  // dropping the stream ends its subscription
        #expect(bus.subscriberCount == 1)

        bus.close()
        var b: [String] = []
        for await event in watchB { b.append("\(event.workflowID)\(event.sequence)") }  // close ends it
        #expect(b == ["b1", "b2"])
        #expect(bus.subscriberCount == 0)
    }

    @Test("a subscriber's filter picks its events on the publisher's side; other subscribers still get everything")
    func filteredSubscription() async throws {
        let bus = InMemoryWorkflowEventBus()
        let finals = bus.subscribe(where: \.isFinal)
        let ofB = bus.subscribe(workflowID: "b") { $0.sequence > 1 }
        let everything = bus.subscribe()

        await bus.publish(Self.event("a", 1, .started))
        await bus.publish(Self.event("b", 1, .started))
        await bus.publish(Self.event("a", 2, .completed))
        await bus.publish(Self.event("b", 2, .paused))
        await bus.publish(Self.event("b", 3, .cancelled))
        bus.close()

        func names(_ stream: AsyncStream<WorkflowEvent>) async -> [String] {
            var names: [String] = []
            for await event in stream { names.append("\(event.workflowID)\(event.sequence)") }
            return names
        }
        #expect(await names(finals) == ["a2", "b3"])
        #expect(await names(ofB) == ["b2", "b3"])
        #expect(await names(everything) == ["a1", "b1", "a2", "b2", "b3"])
    }
}
