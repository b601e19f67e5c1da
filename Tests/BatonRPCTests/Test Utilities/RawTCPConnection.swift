import Foundation
import Glibc

/// A plain TCP connection to 127.0.0.1, for tests that speak raw HTTP/2 to the server and watch
/// what it sends back and when it closes.
final class RawTCPConnection: Sendable {
    private let descriptor: Int32

    /// Connects; reads give up after `readTimeout`.
    init(port: Int, readTimeout: Duration = .seconds(5)) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw RawTCPError("socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(descriptor)
            throw RawTCPError("connect to port \(port): errno \(errno)")
        }
        let (seconds, attoseconds) = readTimeout.components
        var timeout = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(descriptor) }

    func send(_ bytes: [UInt8]) throws {
        let sent = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == bytes.count else { throw RawTCPError("send: errno \(errno)") }
    }

    /// Everything the peer sends until it closes the connection, read on a thread of its own:
    /// a blocking read on the cooperative pool (two threads on a 2-core machine) would stall
    /// every other test running meanwhile.
    ///
    /// - Throws: when the read timeout passes first.
    func readUntilClosed() async throws -> [UInt8] {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try self.blockingReadUntilClosed() }) }.start()
        }
    }

    private func blockingReadUntilClosed() throws -> [UInt8] {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count == 0 { return received }
            if count < 0 {
                if errno == ECONNRESET { return received }
                throw RawTCPError("the connection was not closed (recv: errno \(errno))")
            }
            received += chunk[..<count]
        }
    }

    /// The client connection preface and an empty SETTINGS frame.
    static let http2Preface: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + [0, 0, 0, 4, 0, 0, 0, 0, 0]

    /// The frames in `bytes` (server frames after the connection has opened): type and payload.
    static func frames(in bytes: [UInt8]) -> [(type: UInt8, payload: ArraySlice<UInt8>)] {
        var frames: [(type: UInt8, payload: ArraySlice<UInt8>)] = []
        var offset = 0
        while offset + 9 <= bytes.count {
            let length = Int(bytes[offset]) << 16 | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2])
            guard offset + 9 + length <= bytes.count else { break }
            frames.append((bytes[offset + 3], bytes[(offset + 9)..<(offset + 9 + length)]))
            offset += 9 + length
        }
        return frames
    }
}

struct RawTCPError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
