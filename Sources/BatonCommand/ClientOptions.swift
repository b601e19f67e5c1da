import ArgumentParser
import BatonAPI
import BatonRPC
import Foundation

/// Where a client subcommand finds the server.
struct ClientOptions: ParsableArguments {
    @Option(name: .customLong("server"), help: "The server's HOST:PORT (default: $BATON_SERVER or 127.0.0.1:7070).")
    var server: String?

    @Option(help: "Deadline for each call, in seconds.")
    var timeout: Double = 10

    /// Runs `body` with a client of the server, closing it afterwards. A failed call is printed
    /// as its gRPC status and ends the command with exit code 1.
    func withClient<Result>(_ body: (Baton_Coordination_V1_WorkflowServiceClient) async throws -> Result) async throws -> Result {
        try await withCaller { try await body(Baton_Coordination_V1_WorkflowServiceClient($0)) }
    }

    /// Runs `body` with a connection to the server for any generated client, closing it afterwards.
    func withCaller<Result>(_ body: (RPCClient) async throws -> Result) async throws -> Result {
        let target = server ?? ProcessInfo.processInfo.environment["BATON_SERVER"] ?? "127.0.0.1:7070"
        guard let colon = target.lastIndex(of: ":"), let port = Int(target[target.index(after: colon)...]) else {
            throw ValidationError("--server must be HOST:PORT, not '\(target)'")
        }
        let client = RPCClient(host: String(target[..<colon]), port: port)
        do {
            let result = try await body(client)
            await client.close()
            return result
        } catch let error as RPCError {
            await client.close()
            FileHandle.standardError.write(Data("error: \(error.code): \(error.message)\n".utf8))
            throw ExitCode(1)
        }
    }

    var callOptions: CallOptions { CallOptions(timeout: .milliseconds(Int64(timeout * 1000))) }
}
