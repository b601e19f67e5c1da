#if canImport(Glibc)
import Glibc
#endif

/// The physical reference: how many small durable writes this filesystem takes per second.
///
/// A loop of one 4 KiB `pwrite` (a WAL-frame-sized write into a preallocated file, so the file
/// size never changes, as with SQLite's reused WAL) followed by `fsync`, on the directory where
/// the benchmark's SQLite files live. A commit with `synchronous=FULL` costs at least one of these.
///
/// Back to back, it gives the filesystem's best rate and latency. Paced (`rate`), it gives the
/// latency of a lone durable write after an idle gap, which is what a durable call at low load
/// pays: on a virtual disk that latency can be several times the back-to-back one.
public enum FsyncProbe {
    public typealias Result = PacedLoop.Result

    /// - Parameter rate: writes per second, evenly spaced; nil for back to back.
    public static func run(directory: String, duration: Duration, rate: Double? = nil) throws -> Result {
        let path = directory + "/fsync-probe.bin"
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw BenchmarkError("cannot create \(path): errno \(errno)") }
        defer {
            close(fd)
            unlink(path)
        }
        let pageSize = 4096
        let pages = 1024
        var page = [UInt8](repeating: 0xA5, count: pageSize)
        for index in 0..<pages {
            guard pwrite(fd, &page, pageSize, off_t(index * pageSize)) == pageSize else {
                throw BenchmarkError("cannot preallocate \(path): errno \(errno)")
            }
        }
        guard fsync(fd) == 0 else { throw BenchmarkError("fsync failed: errno \(errno)") }

        return try PacedLoop.run(duration: duration, rate: rate) { index in
            page[0] = UInt8(truncatingIfNeeded: index)
            guard pwrite(fd, &page, pageSize, off_t((index % pages) * pageSize)) == pageSize, fsync(fd) == 0 else {
                throw BenchmarkError("write+fsync failed: errno \(errno)")
            }
        }
    }
}
