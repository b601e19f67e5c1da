import BenchmarkSupport
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A `baton` subcommand running as a child process (`baton serve …`, `baton services …`), found
/// by the one line it prints on standard output: `listening on HOST:PORT[ http PORT]`.
/// Its standard error (logs) goes to a file next to the store.
final class BatonProcess: Sendable {
    let name: String
    let pid: Int32
    let host: String
    let port: Int
    let logPath: String
    /// The child and the read end of its standard output, kept open so that it never writes into a closed pipe.
    private let child: Mutex<(process: Process, stdout: FileHandle)>

    private init(name: String, pid: Int32, child: sending (process: Process, stdout: FileHandle), host: String, port: Int, logPath: String) {
        self.name = name
        self.pid = pid
        self.child = Mutex(child)
        self.host = host
        self.port = port
        self.logPath = logPath
    }

    /// Starts `executable arguments…` and waits (up to `timeout`) for its `listening on` line.
    static func start(name: String, executable: String, arguments: [String], logPath: String, timeout: Duration = .seconds(30)) async throws
        -> BatonProcess
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdout = Pipe()
        process.standardOutput = stdout
        guard FileManager.default.createFile(atPath: logPath, contents: nil) else { throw BenchmarkError("cannot create \(logPath)") }
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardInput = FileHandle.nullDevice
        try process.run()

        let reader = stdout.fileHandleForReading
        let pid = process.processIdentifier
        let descriptor = reader.fileDescriptor
        let line = try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask { await firstLine(of: descriptor) }
            group.addTask {
                try await Task.sleep(for: timeout)
                kill(pid, SIGKILL)  // ends the blocked read with end-of-file
                return nil
            }
            let first = try await group.next()!
            group.cancelAll()
            return first
        }
        guard let line, let address = line.split(separator: " ").dropFirst(2).first,
            let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...])
        else {
            process.terminate()
            process.waitUntilExit()
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            throw BenchmarkError("\(name) did not print 'listening on HOST:PORT' (got \(line.map { "'\($0)'" } ?? "nothing")); its log:\n\(log.suffix(2_000))")
        }
        return BatonProcess(name: name, pid: pid, child: (process, reader), host: String(address[..<colon]), port: port, logPath: logPath)
    }

    /// Reads standard output up to the first newline, on a thread of its own (a blocking read).
    private static func firstLine(of descriptor: Int32) async -> String? {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var bytes: [UInt8] = []
                var byte: UInt8 = 0
                while read(descriptor, &byte, 1) == 1, byte != UInt8(ascii: "\n") { bytes.append(byte) }
                continuation.resume(returning: bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self))
            }
        }
    }

    /// User plus system CPU time the process has used so far, in seconds (from /proc/PID/stat).
    var cpuSeconds: Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let afterName = stat.lastIndex(of: ")")
        else { return .nan }
        // Fields after "(comm)": state is field 3; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: afterName)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return .nan }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Stops the process with SIGTERM (graceful shutdown), then SIGKILL after `grace`.
    func stop(grace: Duration = .seconds(10)) async {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: grace)
        var running = child.withLock { child in
            if child.process.isRunning { child.process.terminate() }
            return child.process.isRunning
        }
        while running, clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
            running = child.withLock { $0.process.isRunning }
        }
        if running {
            kill(pid, SIGKILL)
            child.withLock { $0.process.waitUntilExit() }
        }
    }
}
