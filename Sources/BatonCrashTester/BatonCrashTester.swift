import BatonWorkflow
import BatonWorkflowSQLite
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The crash test's victim: starts `count` sagas on a SQLite store and drives them until all are
/// finished, appending every step call to a ledger file (fsynced before the step returns) the way
/// an atomic service records idempotency keys. The test kills it with SIGKILL at random moments and
/// starts it again; the durable state must converge with every effect applied.
///
/// Usage: `BatonCrashTester <store.sqlite> <ledger.txt> <count>`; prints `DONE` when every workflow finished.
@main
struct BatonCrashTester {
    static func main() async throws {
        let arguments = CommandLine.arguments
        guard arguments.count == 4, let count = Int(arguments[3]) else {
            FileHandle.standardError.write(Data("usage: BatonCrashTester <store.sqlite> <ledger.txt> <count>\n".utf8))
            exit(2)
        }
        let ledger = try Ledger(path: arguments[2])
        let store = try SQLiteWorkflowStore(path: arguments[1])
        let engine = try WorkflowEngine(definitions: [definition(ledger)], store: store)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await engine.run() }
            for i in 0..<count {
                try await engine.start(type: "crash-saga", id: "w-\(i)", input: ["fail": .bool(i % 7 == 3)])
            }
            for i in 0..<count {
                let final = try await engine.waitForCompletion(id: "w-\(i)")
                guard final.isFinished else { throw WorkflowError(code: .storageFailure, message: "w-\(i) not finished") }
            }
            engine.beginShutdown()
            try await group.waitForAll()
        }
        try store.close()
        print("DONE")
    }

    static func definition(_ ledger: Ledger) -> WorkflowDefinition {
        func step(_ output: WorkflowValue) -> StepAction {
            { context in
                try ledger.append(context)
                return output
            }
        }
        return WorkflowDefinition("crash-saga", configuration: .defaults { $0.retry = .none }) {
            StepDefinition.call("reserve", action: step("R"), compensate: step(.null))
            StepDefinition.call("charge", action: step("P"), compensate: step(.null))
            StepDefinition.call("ship", action: { context in
                try ledger.append(context)
                if context.input["fail"] == true { throw StepError(.failedPrecondition, "injected") }
                return "S"
            })
        }
    }
}

/// An append-only file of idempotency keys, one per call, durable before the call returns.
///
/// A SIGKILL can land inside a record's `write` (the kernel stops between pages), leaving a key
/// without its newline. That call never returned, so its step runs again; as a service that
/// recovers its own log would, the ledger drops the torn record when it opens.
final class Ledger: Sendable {
    let descriptor: Int32

    init(path: String) throws {
        descriptor = open(path, O_RDWR | O_CREAT | O_APPEND, 0o644)
        guard descriptor >= 0 else { throw WorkflowError(code: .storageFailure, message: "cannot open ledger \(path)") }
        let contents = try Data(contentsOf: URL(fileURLWithPath: path))
        if let last = contents.last, last != UInt8(ascii: "\n") {
            let kept = (contents.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? contents.startIndex) - contents.startIndex
            guard ftruncate(descriptor, off_t(kept)) == 0, fsync(descriptor) == 0 else {
                throw WorkflowError(code: .storageFailure, message: "cannot drop the torn last record of ledger \(path)")
            }
        }
    }

    func append(_ context: StepContext) throws {
        let line = Array("\(context.idempotencyKey)\n".utf8)
        let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == line.count, fsync(descriptor) == 0 else {
            throw StepError(.unavailable, "ledger write failed")
        }
    }
}
