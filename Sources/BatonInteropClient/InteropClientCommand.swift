import ArgumentParser
import BatonInterop
import BatonRPC
import Foundation

/// `baton-interop-client`: runs gRPC's interoperability cases with Baton's client against any
/// `grpc.testing.TestService` server.
@main
struct InteropClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baton-interop-client",
        abstract: "Run gRPC interoperability test cases with Baton's client."
    )

    @Option(help: "Server host.")
    var host = "127.0.0.1"

    @Option(help: "Server port.")
    var port: Int

    @Option(help: "Comma-separated case names, or 'all'.")
    var cases = "all"

    func run() async throws {
        let selected = cases == "all"
            ? InteropTestCase.allCases
            : try cases.split(separator: ",").map { name in
                guard let testCase = InteropTestCase(rawValue: String(name)) else {
                    throw ValidationError("unknown case '\(name)'; known: \(InteropTestCase.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return testCase
            }
        let client = RPCClient(host: host, port: port)
        var failed = 0
        for testCase in selected {
            do {
                try await testCase.run(using: client)
                report("PASS \(testCase.rawValue)")
            } catch {
                failed += 1
                report("FAIL \(testCase.rawValue): \(error)")
            }
        }
        await client.close()
        report("\(selected.count - failed) passed, \(failed) failed")
        if failed > 0 { throw ExitCode.failure }
    }

    private func report(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
