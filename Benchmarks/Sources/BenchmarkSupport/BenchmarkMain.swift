import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The frame every benchmark executable shares: arguments in, tables on standard output,
/// progress and errors on standard error, a fresh directory for its files.
public enum BenchmarkMain {
    /// Runs `body` with the command line's arguments; when it throws, prints `name: error` on
    /// standard error and exits 1.
    public static func run(_ name: String, isolation: isolated (any Actor)? = #isolation, _ body: ([String]) async throws -> Void) async {
        do {
            try await body(Array(CommandLine.arguments.dropFirst()))
        } catch {
            FileHandle.standardError.write(Data("\(name): \(error)\n".utf8))
            exit(1)
        }
    }

    /// Runs `body` with a fresh directory `parent/prefix.XXXXXX`, deleted afterwards.
    public static func withWorkDirectory<Result>(
        in parent: String,
        prefix: String,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (String) async throws -> Result
    ) async throws -> Result {
        var template = Array("\(parent)/\(prefix).XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw BenchmarkError("cannot create a directory in \(parent): errno \(errno)") }
        let directory = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try await body(directory)
    }

    /// A progress line on standard error: `tag: line`.
    public static func progress(_ tag: String, _ line: String) {
        FileHandle.standardError.write(Data("\(tag): \(line)\n".utf8))
    }
}
