import BatonWorkflow
import Synchronization
import Testing

@Suite("withCompensatingSteps")
struct CompensatingStepsTests {
    final class Journal: Sendable {
        let entries = Mutex<[String]>([])
        func add(_ entry: String) { entries.withLock { $0.append(entry) } }
        var all: [String] { entries.withLock { $0 } }
    }

    @Test("a coordinator that succeeds undoes nothing and returns its result")
    func success() async throws {
        let journal = Journal()
        let total = try await withCompensatingSteps { steps in
            let a = try await steps.run("a", { journal.add("do a"); return 1 }, undo: { _ in journal.add("undo a") })
            let b = try await steps.run("b", { journal.add("do b"); return 2 }, undo: { _ in journal.add("undo b") })
            return a + b
        }
        #expect(total == 3)
        #expect(journal.all == ["do a", "do b"])
    }

    @Test("a failure at step k undoes steps k-1 … 1 in reverse order, each given its result", arguments: 1...4)
    func failureAtStep(k: Int) async throws {
        let journal = Journal()
        let failure = await #expect(throws: CoordinatorFailure.self) {
            try await withCompensatingSteps { steps in
                for i in 1...4 {
                    _ = try await steps.run("s\(i)", {
                        if i == k { throw StepError(.failedPrecondition, "s\(i) refused") }
                        return "r\(i)"
                    }, undo: { result in journal.add("undo s\(i) \(result)") })
                }
            }
        }
        let expected = (1..<k).reversed().map { "undo s\($0) r\($0)" }
        #expect(journal.all == expected)
        #expect(failure?.undone == (1..<k).reversed().map { "s\($0)" })
        #expect((failure?.underlying as? StepError)?.message == "s\(k) refused")
    }

    @Test("an undo that fails is reported and the others still run")
    func undoFailure() async throws {
        let journal = Journal()
        let failure = await #expect(throws: CoordinatorFailure.self) {
            try await withCompensatingSteps { steps in
                try await steps.run("a", { () }, undo: { journal.add("undo a") })
                try await steps.run("b", { () }, undo: { throw StepError(.unavailable, "b's service is down") })
                try await steps.run("c") { throw StepError(.notFound, "no such thing") }
            }
        }
        #expect(journal.all == ["undo a"])
        #expect(failure?.undone == ["a"])
        #expect(failure?.undoFailures["b"]?.contains("b's service is down") == true)
        #expect(failure?.description.contains("could not undo: b") == true)
    }
}
