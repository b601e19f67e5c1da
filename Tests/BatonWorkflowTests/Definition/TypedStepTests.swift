import BatonWorkflow
import Synchronization
import Testing

@Suite("typedStep")
struct TypedStepTests {
    struct Order: Codable, Sendable, Equatable {
        var orderID: String
        var quantity: Int
    }

    struct Receipt: Codable, Sendable, Equatable {
        var receiptID: String
    }

    /// An orchestrator-style error that knows its classification.
    struct ServiceRefusal: StepErrorConvertible {
        var stepError: StepError { StepError(.failedPrecondition, "refused") }
    }

    struct OtherError: Error {}

    func context(input: WorkflowValue) -> StepContext {
        StepContext(
            workflowID: "w-1", workflowType: "order", stepName: "reserve", attempt: 1,
            idempotencyKey: "w-1/reserve", isCompensation: false, input: input, outputs: [:]
        )
    }

    @Test("decodes the typed input, passes the context and encodes the output")
    func roundTrip() async throws {
        let action = typedStep(Order.self) { context, order in
            #expect(context.idempotencyKey == "w-1/reserve")
            #expect(order == Order(orderID: "o-1", quantity: 2))
            return Receipt(receiptID: "r-\(order.quantity)")
        }
        let output = try await action(context(input: try WorkflowValue(encoding: Order(orderID: "o-1", quantity: 2))))
        #expect(try output.decode(Receipt.self) == Receipt(receiptID: "r-2"))
    }

    @Test("a body with nothing to return outputs null")
    func voidBody() async throws {
        let ran = Counter()
        let action = typedStep(Order.self) { _, _ in ran.increment() }
        let output = try await action(context(input: try WorkflowValue(encoding: Order(orderID: "o-1", quantity: 1))))
        #expect(output == .null)
        #expect(ran.value == 1)
    }

    @Test("a StepErrorConvertible error is thrown as its StepError; other errors pass through")
    func classifiesErrors() async throws {
        let input = try WorkflowValue(encoding: Order(orderID: "o-1", quantity: 1))
        let refused = typedStep(Order.self) { _, _ -> Receipt in throw ServiceRefusal() }
        await #expect(throws: StepError(.failedPrecondition, "refused")) { try await refused(context(input: input)) }
        let failing = typedStep(Order.self) { _, _ -> Receipt in throw OtherError() }
        await #expect(throws: OtherError.self) { try await failing(context(input: input)) }
    }

    @Test("an input that does not decode fails the step without running the body")
    func undecodableInput() async throws {
        let ran = Counter()
        let action = typedStep(Order.self) { _, _ in ran.increment() }
        await #expect(throws: (any Error).self) { try await action(context(input: ["unexpected": true])) }
        #expect(ran.value == 0)
    }

    /// Counts its decodings, to see how often the engine decodes a workflow's input.
    struct CountedOrder: Codable, Sendable {
        fileprivate static let decodings = Counter()
        var orderID: String

        init(orderID: String) { self.orderID = orderID }

        init(from decoder: any Decoder) throws {
            Self.decodings.increment()
            orderID = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .orderID)
        }
    }

    @Test("the engine decodes a workflow's input once for all its typed steps and compensations")
    func inputDecodedOncePerInstance() async throws {
        let seen = Mutex<[String]>([])
        let record = typedStep(CountedOrder.self) { context, order in
            seen.withLock { $0.append("\(context.isCompensation ? "undo:" : "")\(context.stepName) \(order.orderID)") }
        }
        let definition = WorkflowDefinition("counted", configuration: .defaults { $0.retry = .none }) {
            StepDefinition.call("a", action: record, compensate: record)
            StepDefinition.call("b", action: record, compensate: record)
            StepDefinition.call("refuse", action: typedStep(CountedOrder.self) { _, _ in throw StepError(.failedPrecondition, "no") })
        }
        let engine = try WorkflowEngine(definitions: [definition], store: InMemoryWorkflowStore())
        let final = try await withRunningEngine(engine) { engine in
            _ = try await engine.start(type: "counted", id: "w", input: try WorkflowValue(encoding: CountedOrder(orderID: "o-7")))
            return try await engine.waitForCompletion(id: "w")
        }
        #expect(final.status == .compensated)
        #expect(seen.withLock { $0 } == ["a o-7", "b o-7", "undo:b o-7", "undo:a o-7"])
        #expect(CountedOrder.decodings.value == 1)
    }
}

private final class Counter: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
