import Testing

@testable import BatonWorkflow

@Suite("Backoff and RetryPolicy")
struct BackoffTests {
    @Test("fixed, linear, exponential and fibonacci delays")
    func strategies() {
        let ms = Duration.milliseconds
        #expect((1...4).map { Backoff.fixed(ms(50)).delay(forRetry: $0) } == [ms(50), ms(50), ms(50), ms(50)])
        #expect((1...4).map { Backoff.linear(initial: ms(100)).delay(forRetry: $0) } == [ms(100), ms(200), ms(300), ms(400)])
        #expect((1...4).map { Backoff.exponential(initial: ms(100)).delay(forRetry: $0) } == [ms(100), ms(200), ms(400), ms(800)])
        #expect((1...4).map { Backoff.exponential(initial: ms(100), multiplier: 3).delay(forRetry: $0) } == [ms(100), ms(300), ms(900), ms(2700)])
        #expect((1...6).map { Backoff.fibonacci(initial: ms(10)).delay(forRetry: $0) } == [ms(10), ms(10), ms(20), ms(30), ms(50), ms(80)])
    }

    @Test("delays are capped")
    func cap() {
        let backoff = Backoff.exponential(initial: .seconds(1), maximum: .seconds(5))
        #expect(backoff.delay(forRetry: 10) == .seconds(5))
        #expect(backoff.delay(forRetry: 1000) == .seconds(5))
        #expect(Backoff.linear(initial: .seconds(2), maximum: .seconds(3)).delay(forRetry: 4) == .seconds(3))
    }

    @Test("jitter only shortens a delay, within its fraction", arguments: [0.0, 0.25, 0.5, 0.999])
    func jitter(sample: Double) {
        let backoff = Backoff.exponential(initial: .seconds(1), maximum: .seconds(60), jitter: 0.5)
        let delay = backoff.delay(forRetry: 3, jitterSample: sample)
        #expect(delay <= .seconds(4))
        #expect(delay >= .seconds(2))
    }

    @Test("the jitter sample is deterministic per key and attempt and spread across keys")
    func jitterSample() {
        let a = WorkflowStateMachine.jitterSample(key: "wf-1/pay", attempt: 1)
        #expect(a == WorkflowStateMachine.jitterSample(key: "wf-1/pay", attempt: 1))
        #expect(a != WorkflowStateMachine.jitterSample(key: "wf-2/pay", attempt: 1))
        let samples = (0..<200).map { WorkflowStateMachine.jitterSample(key: "wf-\($0)/pay", attempt: 1) }
        #expect(samples.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(Set(samples).count == 200)
    }

    @Test("retry classification follows gRPC codes")
    func classification() {
        let policy = RetryPolicy(maxAttempts: 3)
        for code in [StepError.Code.unavailable, .deadlineExceeded, .resourceExhausted, .aborted] {
            #expect(policy.shouldRetry(StepError(code), afterAttempt: 1))
        }
        for code in [StepError.Code.invalidArgument, .failedPrecondition, .notFound, .permissionDenied, .unknown] {
            #expect(!policy.shouldRetry(StepError(code), afterAttempt: 1))
        }
        #expect(!policy.shouldRetry(StepError(.unavailable), afterAttempt: 3))
    }

    @Test("definitions with duplicate or missing steps are rejected")
    func validation() {
        let dup = WorkflowDefinition("x") {
            StepDefinition.call("a", action: { _ in .null })
            StepDefinition.call("a", action: { _ in .null })
        }
        #expect(throws: WorkflowError.self) { try dup.validate() }
        #expect(throws: WorkflowError.self) { try WorkflowDefinition(type: "x", steps: []).validate() }
    }

    @Test("typed values round-trip through WorkflowValue")
    func values() throws {
        struct Order: Codable, Equatable { var id: String; var qty: Int; var price: Double }
        let order = Order(id: "o-1", qty: 2, price: 29.99)
        let value = try WorkflowValue(encoding: order)
        #expect(value["id"] == "o-1")
        #expect(try value.decode(Order.self) == order)
        #expect(value["qty"] == .int(2))
        #expect(value["price"] == .double(29.99))
        let json = try WorkflowValue(encoding: [1, 0])
        #expect(json == [.int(1), .int(0)])
        #expect(try WorkflowValue(encoding: [true]) == [.bool(true)])
    }
}
