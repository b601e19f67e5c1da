import BatonInterop
import BatonRPC
import Testing

/// The server's connection timers, over real sockets: an idle connection is closed with GOAWAY,
/// an open call holds it open, and a peer that never speaks HTTP/2 is dropped.
@Suite("Connection timers")
struct ConnectionTimerTests {
    static let goAway: UInt8 = 7

    /// Opens a raw connection to a server with `configuration`, sends `bytes`, and reads until
    /// the server closes it; expects that after about 300 ms (the timeout the tests set), and
    /// returns what the server sent.
    func closedAfterTimeout(_ configuration: RPCServer.Configuration, sending bytes: [UInt8]) async throws -> [UInt8] {
        var received: [UInt8] = []
        try await withTestServer(services: [InteropTestService()], configuration: configuration) { _, server in
            let connection = try RawTCPConnection(port: try await server.listeningAddress.port!)
            let opened = ContinuousClock.now
            if !bytes.isEmpty { try connection.send(bytes) }
            received = try await connection.readUntilClosed()
            let waited = ContinuousClock.now - opened
            #expect(waited >= .milliseconds(250) && waited < .seconds(4), "closed after \(waited)")
        }
        return received
    }

    @Test("a connection with no call is closed with GOAWAY(NO_ERROR) after the idle timeout")
    func idleConnectionIsClosed() async throws {
        let received = try await closedAfterTimeout(
            .defaults { $0.idleTimeout = .milliseconds(300) },
            sending: RawTCPConnection.http2Preface
        )
        let goAway = try #require(RawTCPConnection.frames(in: received).last { $0.type == Self.goAway })
        // GOAWAY: last stream id (4 bytes), then the error code.
        #expect(Array(goAway.payload.dropFirst(4).prefix(4)) == [0, 0, 0, 0])
    }

    @Test("an open call holds the connection past the idle timeout")
    func openCallHoldsConnection() async throws {
        // Long enough that the connection cannot time out before the call's headers arrive,
        // even with the whole suite running at once on two cores.
        let configuration = RPCServer.Configuration.defaults { $0.idleTimeout = .seconds(1) }
        try await withTestServer(services: [InteropTestService()], configuration: configuration) { client, _ in
            let service = Grpc_Testing_TestServiceClient(client)
            // Four responses 700 ms apart: the call outlasts the idle timeout more than twice.
            var request = Grpc_Testing_StreamingOutputCallRequest()
            request.responseParameters = (0..<4).map { _ in
                var parameters = Grpc_Testing_ResponseParameters()
                parameters.size = 8
                parameters.intervalUs = 700_000
                return parameters
            }
            let received = try await service.streamingOutputCall(request) { responses in
                var count = 0
                for try await _ in responses { count += 1 }
                return count
            }
            // Had the timer closed the connection meanwhile, the call would have failed.
            #expect(received == 4)
        }
    }

    @Test("a peer that sends no HTTP/2 preface is disconnected after the handshake timeout")
    func silentPeerIsDisconnected() async throws {
        _ = try await closedAfterTimeout(.defaults { $0.handshakeTimeout = .milliseconds(300) }, sending: [])
    }
}
