import BatonInMemorySupport
import Synchronization
import Testing

@Suite("InMemoryStore")
struct InMemoryStoreTests {
    struct Refusal: Error, Equatable {
        var message: String
    }

    struct Operation: Hashable, Sendable, CustomStringConvertible {
        var name: String
        var description: String { name }
        static let add = Operation(name: "add")
        static let label = Operation(name: "label")
        static let total = Operation(name: "total")
    }

    struct Counter: Sendable {
        var total = 0
        var ids = SequentialIDs()
    }

    typealias Store = InMemoryStore<Counter, Operation, Refusal>

    static func makeStore() -> Store {
        Store(Counter()) { Refusal(message: $0) }
    }

    /// Adds `amount` under `key`; refuses a negative amount (before changing anything, as every
    /// effect must).
    static func add(_ amount: Int, key: String?, to store: Store) async throws -> String {
        try await store.perform(.add, idempotencyKey: key) { (counter: inout Counter) throws(Refusal) -> String in
            guard amount >= 0 else { throw Refusal(message: "negative") }
            counter.total += amount
            return counter.ids.next("add")
        }
    }

    @Test("a repeated key answers the first result and has no second effect")
    func idempotency() async throws {
        let store = Self.makeStore()
        let first = try await Self.add(5, key: "k-1", to: store)
        let again = try await Self.add(7, key: "k-1", to: store)
        let other = try await Self.add(1, key: "k-2", to: store)
        #expect(first == "add-1")
        #expect(again == "add-1")
        #expect(other == "add-2")
        #expect(store.withLock { $0.total } == 6)
        #expect(store.calls(of: .add) == 3)
        #expect(store.effects(of: .add) == 2)
        #expect(store.journal == [.add, .add])
    }

    @Test("a refused call changes nothing and is not remembered, so a corrected retry succeeds")
    func refusalIsAllOrNothing() async throws {
        let store = Self.makeStore()
        await #expect(throws: Refusal(message: "negative")) { try await Self.add(-3, key: "k-1", to: store) }
        #expect(store.withLock { $0.total } == 0)
        #expect(store.effects(of: .add) == 0)
        #expect(try await Self.add(3, key: "k-1", to: store) == "add-1")
        #expect(store.withLock { $0.total } == 3)
    }

    @Test("an empty key, or a key reused for a call answering another type, is an invalid argument")
    func invalidKeys() async throws {
        let store = Self.makeStore()
        await #expect(throws: Refusal(message: "add needs an idempotency key")) { try await Self.add(1, key: "", to: store) }
        _ = try await Self.add(1, key: "k-1", to: store)
        await #expect(throws: Refusal(message: "idempotency key 'k-1' was used for another add call")) {
            try await store.perform(.add, idempotencyKey: "k-1") { (_: inout Counter) throws(Refusal) in 1 }
        }
    }

    @Test("a nil key runs the effect every time and counts no effect")
    func unkeyedCalls() async throws {
        let store = Self.makeStore()
        _ = try await Self.add(2, key: nil, to: store)
        _ = try await Self.add(2, key: nil, to: store)
        #expect(store.withLock { $0.total } == 4)
        #expect(store.calls(of: .add) == 2)
        #expect(store.effects(of: .add) == 0)
        #expect(store.journal.isEmpty)
    }

    @Test("an injected fault fails the chosen calls before they take effect, after skipping some")
    func faultBeforeEffect() async throws {
        let store = Self.makeStore()
        store.failNext(.add, times: 2, with: Refusal(message: "down"), after: 1)
        #expect(try await Self.add(1, key: "k-1", to: store) == "add-1")
        await #expect(throws: Refusal(message: "down")) { try await Self.add(1, key: "k-2", to: store) }
        await #expect(throws: Refusal(message: "down")) { try await Self.add(1, key: "k-2", to: store) }
        #expect(try await Self.add(1, key: "k-2", to: store) == "add-2")
        #expect(store.withLock { $0.total } == 2)
        #expect(store.calls(of: .add) == 4)
    }

    @Test("an after-effect fault lets the call take effect and loses its answer; the retry answers from the ledger")
    func faultAfterEffect() async throws {
        let store = Self.makeStore()
        store.failNext(.add, with: Refusal(message: "lost"), afterEffect: true)
        await #expect(throws: Refusal(message: "negative")) { try await Self.add(-1, key: "k-0", to: store) }
        await #expect(throws: Refusal(message: "lost")) { try await Self.add(4, key: "k-1", to: store) }
        #expect(try await Self.add(4, key: "k-1", to: store) == "add-1")
        #expect(store.withLock { $0.total } == 4)
        #expect(store.effects(of: .add) == 1)
    }

    @Test("reads pass the before-effect checks and ignore after-effect faults")
    func reads() async throws {
        let store = Self.makeStore()
        _ = try await Self.add(3, key: "k-1", to: store)
        store.failNext(.total, with: Refusal(message: "down"))
        await #expect(throws: Refusal(message: "down")) { try await store.read(.total) { $0.total } }
        store.failNext(.total, with: Refusal(message: "lost"), afterEffect: true)
        #expect(try await store.read(.total) { $0.total } == 3)
        #expect(store.calls(of: .total) == 2)
    }

    @Test("injected latency is waited out through the given sleep, for the chosen number of calls")
    func latency() async throws {
        let slept = Slept()
        let store = Store(Counter(), sleep: { slept.add($0) }) { Refusal(message: $0) }
        store.setLatency(.seconds(2), for: .add, calls: 1)
        _ = try await Self.add(1, key: "k-1", to: store)
        _ = try await Self.add(1, key: "k-2", to: store)
        store.setLatency(.seconds(1), for: .label)
        store.setLatency(nil, for: .label)
        _ = try await store.perform(.label, idempotencyKey: "k-3") { (_: inout Counter) throws(Refusal) in "x" }
        #expect(slept.all == [.seconds(2)])
    }

    @Test("an undoable record is undone once; unknown and repeated undos are refused")
    func undoable() throws {
        var records = ["r-1": Undoable(value: 10)]
        let notFound = { Refusal(message: "not found") }
        let again = { Refusal(message: "already undone") }
        #expect(try records.undo("r-1", notFound: notFound, alreadyUndone: again) == 10)
        #expect(throws: Refusal(message: "already undone")) { try records.undo("r-1", notFound: notFound, alreadyUndone: again) }
        #expect(throws: Refusal(message: "not found")) { try records.undo("r-2", notFound: notFound, alreadyUndone: again) }
        #expect(records["r-1"]?.undone == true)
    }
}

private final class Slept: Sendable {
    private let durations = Mutex<[Duration]>([])
    func add(_ duration: Duration) { durations.withLock { $0.append(duration) } }
    var all: [Duration] { durations.withLock { $0 } }
}
