import BatonWorkflow
import BatonWorkflowSQLite
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Kills a real process (SIGKILL) in rounds while it drives sagas on a SQLite file, then checks
/// that the state converged: every workflow finished, every step effect recorded under its
/// idempotency key, histories replay to their snapshots, and the file passes integrity_check.
///
/// Needs the `BatonCrashTester` executable next to the test bundle (`swift build` builds it).
@Suite("Crash recovery (spawns BatonCrashTester)")
struct CrashRecoveryTests {
    static var executable: URL? {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [directory, directory.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("BatonCrashTester")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }

    @Test("SIGKILL in rounds loses no step and applies every effect", .enabled(if: executable != nil, "BatonCrashTester is not built"))
    func killInRounds() async throws {
        let executable = try #require(Self.executable)
        try await withTemporaryDirectory { (dir: String) async throws in
            let storePath = dir + "/baton.sqlite"
            let ledgerPath = dir + "/ledger.txt"
            let count = 1_000
            let rounds = 8
            var generator = SystemRandomNumberGenerator()
            var kills = 0
            for _ in 0..<rounds {
                // Kill once the victim has made a random amount of progress since its launch (its
                // ledger grew by 300 B to 3 KiB, about 20 to 200 step calls), so that every kill
                // lands in the middle of the work, however fast the machine. Eight rounds make
                // at most about 1,600 of the ~3,500 calls the sagas need, so work is always left.
                let ledgerBefore = Self.fileSize(ledgerPath)
                let target = ledgerBefore + Int.random(in: 300...3_000, using: &generator)
                let process = try Self.launch(executable, storePath, ledgerPath, count)
                let deadline = ContinuousClock.now.advanced(by: .seconds(60))
                while process.isRunning, Self.fileSize(ledgerPath) < target, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(1))
                }
                if process.isRunning {
                    kill(process.processIdentifier, SIGKILL)
                    kills += 1
                }
                process.waitUntilExit()
            }
            #expect(kills == rounds, "a victim finished or stalled before its kill")
            // A last, uninterrupted run must finish everything.
            let final = try Self.launch(executable, storePath, ledgerPath, count, captureOutput: true)
            final.process.waitUntilExit()
            #expect(final.process.terminationStatus == 0)
            #expect(String(decoding: final.output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).contains("DONE"))

            let store = try SQLiteWorkflowStore(path: storePath)
            defer { try? store.close() }
            #expect(try await store.integrityCheck() == "ok")
            let calls = try String(contentsOfFile: ledgerPath, encoding: .utf8).split(separator: "\n").map(String.init)
            let ledger = Set(calls)
            let definition = WorkflowDefinition("crash-saga") {
                StepDefinition.call("reserve", action: { _ in .null }, compensate: { _ in .null })
                StepDefinition.call("charge", action: { _ in .null }, compensate: { _ in .null })
                StepDefinition.call("ship", action: { _ in .null })
            }
            var expectedKeys = Set<String>()
            for i in 0..<count {
                let id = "w-\(i)"
                let snapshot = try #require(try await store.snapshot(id: id))
                let fails = i % 7 == 3
                #expect(snapshot.status == (fails ? .compensated : .completed), "\(id)")
                for step in ["reserve", "charge", "ship"] { expectedKeys.insert("\(id)/\(step)") }
                if fails { for step in ["reserve", "charge"] { expectedKeys.insert("\(id)/\(step)/compensate") } }
                let history = try await store.history(id: id)
                #expect(try WorkflowStateMachine.replay(history, definition: definition) == snapshot)
            }
            // Every effect happened (at least once; the key makes it exactly-once at the service),
            // and nothing happened that the workflows did not ask for.
            #expect(ledger == expectedKeys)
            print("crash test: \(kills) SIGKILLs, \(calls.count) calls, \(ledger.count) distinct keys (\(calls.count - ledger.count) re-run after a kill)")
        }
    }

    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }

    static func launch(_ executable: URL, _ store: String, _ ledger: String, _ count: Int) throws -> Process {
        try launch(executable, store, ledger, count, captureOutput: false).process
    }

    static func launch(_ executable: URL, _ store: String, _ ledger: String, _ count: Int, captureOutput: Bool) throws
        -> (process: Process, output: Pipe)
    {
        let process = Process()
        process.executableURL = executable
        process.arguments = [store, ledger, String(count)]
        let pipe = Pipe()
        process.standardOutput = captureOutput ? pipe : FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return (process, pipe)
    }
}
