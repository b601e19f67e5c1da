import BatonRPC
import Foundation

/// One `baton serve` on a fresh SQLite file (and, with `--adapters rpc`, the `baton services` it
/// calls), plus the client connections a run uses. Every run gets its own, so no run sees
/// another's store, stock or payment ledger.
struct Deployment: Sendable {
    enum Adapters: String, Sendable {
        case inMemory = "inmemory"
        case rpc
    }

    let server: BatonProcess
    let services: BatonProcess?
    /// Connections to the server; calls are spread over them (each is one HTTP/2 connection).
    let clients: [RPCClient]

    func client(_ index: Int) -> RPCClient { clients[index % clients.count] }

    /// The server's and the services' CPU time so far, in seconds.
    var cpuSeconds: (server: Double, services: Double) { (server.cpuSeconds, services?.cpuSeconds ?? 0) }

    /// Starts the processes for `name` in `directory`, runs `body`, and stops them.
    static func with<Result: Sendable>(
        baton: String,
        adapters: Adapters,
        directory: String,
        name: String,
        connections: Int,
        _ body: (Deployment) async throws -> Result
    ) async throws -> Result {
        let store = "\(directory)/\(name).sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: store + suffix) }
        var services: BatonProcess?
        var serveArguments = ["serve", "--host", "127.0.0.1", "--port", "0", "--http-port", "0", "--store", "sqlite:\(store)", "--adapters", adapters.rawValue]
        if adapters == .rpc {
            let started = try await BatonProcess.start(
                name: "baton services",
                executable: baton,
                arguments: ["services", "--port", "0"],
                logPath: "\(directory)/\(name).services.log"
            )
            services = started
            serveArguments += ["--services", "\(started.host):\(started.port)"]
        }
        let server: BatonProcess
        do {
            server = try await BatonProcess.start(name: "baton serve", executable: baton, arguments: serveArguments, logPath: "\(directory)/\(name).serve.log")
        } catch {
            await services?.stop()
            throw error
        }
        let deployment = Deployment(
            server: server,
            services: services,
            clients: (0..<max(1, connections)).map { _ in RPCClient(host: server.host, port: server.port) }
        )
        let result: Result
        do {
            result = try await body(deployment)
        } catch {
            await deployment.stop()
            throw error
        }
        await deployment.stop()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: store + suffix) }
        return result
    }

    private func stop() async {
        for client in clients { await client.close() }
        await server.stop()
        await services?.stop()
    }
}
