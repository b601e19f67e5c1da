import BatonRPC

/// Runs `body` with a server hosting `services` on 127.0.0.1 and a client connected to it;
/// closes the client and shuts the server down afterwards, also when `body` throws.
func withTestServer(
    services: [any RPCService],
    configuration: RPCServer.Configuration = .defaults,
    _ body: (RPCClient, RPCServer) async throws -> Void
) async throws {
    let server = RPCServer(configuration: configuration, services: services)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        let address = try await server.listeningAddress
        let client = RPCClient(host: "127.0.0.1", port: address.port!)
        do {
            try await body(client, server)
        } catch {
            await client.close()
            server.beginGracefulShutdown()
            throw error
        }
        await client.close()
        server.beginGracefulShutdown()
        try await group.waitForAll()
    }
}
