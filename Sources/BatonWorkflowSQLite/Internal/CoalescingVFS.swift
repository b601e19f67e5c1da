import GRDBSQLite
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A SQLite VFS over the platform's own ("unix") that hands a transaction's write-ahead-log frames
/// to the kernel in one write instead of two per frame.
///
/// SQLite writes each log frame as two `pwrite`s, its 24-byte header and its page. A workflow's
/// create dirties about ten pages (the row, its indexes, its events), so a lone durable start made
/// some twenty system calls before its fsync, at about 5 µs each on this virtual machine. This
/// VFS collects the frames of a transaction, in order, while they follow one another in the file,
/// and writes them with one call per 64 KiB when SQLite writes the page of the frame that commits
/// the transaction (its header carries the database size, which only a commit frame does).
///
/// What SQLite asks to write reaches the file in the order it asked, and a commit's frames are all
/// in the file before the commit's write returns, so before SQLite publishes them in the
/// write-ahead-log index and before anyone can read or fsync them:
/// - a write that is not the next frame header or the page after a collected header is written
///   at once, after whatever was collected;
/// - every other operation on the log (read, size, truncate, sync, file control, close) first
///   writes what was collected;
/// - a transaction that spills more than `limit` bytes before it commits is written as it goes.
///
/// Frames held back belong to a transaction that has not committed yet, so they are harmless as
/// long as nothing but its commit can follow them. One thing could: a transaction that spills
/// pages to the log before its commit (when it outgrows the page cache) and then rolls back
/// leaves its spilled frames collected; written later, after another connection appended its own
/// commit at the same place, they would overwrite it. Hence only the logs of databases a store
/// opened are collected (``collectLog(ofDatabaseAt:)``), and the store's connections never spill
/// (`PRAGMA cache_spill = OFF`): their frames are written at commit only. Every other file, logs
/// of other databases included, is the platform's own file object, untouched. The VFS becomes
/// SQLite's default for the process when the first store opens, because GRDB opens connections
/// with the default VFS.
enum CoalescingVFS {
    static let name = "baton-coalescing-unix"

    /// Makes the VFS the process's default (once), and collects the log of the database at `path`
    /// (however SQLite spells its full path) until ``stopCollectingLog(_:)``. The connections
    /// that write it must not spill (`PRAGMA cache_spill = OFF`).
    ///
    /// - Returns: the log's full path, for ``stopCollectingLog(_:)``.
    static func collectLog(ofDatabaseAt path: String) throws -> String {
        guard registration != nil, let platform else {
            throw CoalescingVFSError(message: "cannot register SQLite VFS '\(name)' over SQLite's 'unix' VFS")
        }
        var fullPath = [CChar](repeating: 0, count: Int(platform.pointee.mxPathname) + 1)
        guard platform.pointee.xFullPathname!(platform, path, Int32(fullPath.count), &fullPath) == SQLITE_OK else {
            throw CoalescingVFSError(message: "SQLite cannot make a full path of '\(path)'")
        }
        let log = String(decoding: fullPath.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) + "-wal"
        collectedLogs.withLock { $0[log, default: 0] += 1 }
        return log
    }

    /// Undoes one ``collectLog(ofDatabaseAt:)``; log files already open stay as they are.
    static func stopCollectingLog(_ log: String) {
        collectedLogs.withLock { logs in
            if let count = logs[log], count > 1 { logs[log] = count - 1 } else { logs[log] = nil }
        }
    }

    /// Logs to collect, by full path, with how many stores asked.
    private static let collectedLogs = Mutex<[String: Int]>([:])

    /// Whether the log at `log` (a full path) is collected when opened.
    static func collects(_ log: String) -> Bool {
        collectedLogs.withLock { $0[log] != nil }
    }

    /// The bytes collected and not yet written, flushed by ``flush(_:)``.
    fileprivate struct Collected {
        var bytes: UnsafeMutableRawPointer?
        var capacity = 0
        var count = 0
        /// File offset of the first collected byte.
        var start: Int64 = 0
        /// Offset just past the last write to the file (collected or not).
        var end: Int64 = 0
        /// A frame header was collected last: its page comes next.
        var expectsPage = false
        /// That header is a commit frame's.
        var commits = false
    }

    /// Writes larger than this are not held back for the commit.
    fileprivate static let limit = 1 << 20
    /// The most the platform VFS writes in one call: it masks a write's length with 0x1ffff, so
    /// that a write of a multiple of 128 KiB would write nothing (and report a full disk).
    fileprivate static let chunk = 1 << 16
    fileprivate static let frameHeaderSize: Int32 = 24

    /// The log file's object: SQLite's `sqlite3_file` header (our methods), the collected bytes,
    /// then the platform's own file object, which does the I/O.
    fileprivate static let collectedOffset = 16
    fileprivate static let innerOffset = (collectedOffset + MemoryLayout<Collected>.size + 15) & ~15

    /// The platform VFS this one builds on.
    nonisolated(unsafe) fileprivate static let platform = sqlite3_vfs_find("unix")

    nonisolated(unsafe) private static let registration: UnsafeMutablePointer<sqlite3_vfs>? = {
        guard let unix = platform else { return nil }
        let vfs = UnsafeMutablePointer<sqlite3_vfs>.allocate(capacity: 1)
        vfs.initialize(to: unix.pointee)
        vfs.pointee.pNext = nil
        vfs.pointee.zName = UnsafePointer(strdup(name))
        vfs.pointee.szOsFile = Int32(innerOffset) + unix.pointee.szOsFile
        vfs.pointee.xOpen = { _, path, file, flags, outFlags in
            guard let file else { return SQLITE_MISUSE }
            let platform = CoalescingVFS.platform!
            guard flags & SQLITE_OPEN_WAL != 0, let path, CoalescingVFS.collects(String(cString: path)) else {
                // Not a store's log: the platform's file object, in place.
                return platform.pointee.xOpen!(platform, path, file, flags, outFlags)
            }
            let inner = CoalescingVFS.inner(file)
            let result = platform.pointee.xOpen!(platform, path, inner, flags, outFlags)
            guard result == SQLITE_OK else {
                file.pointee.pMethods = nil
                return result
            }
            CoalescingVFS.collected(file).initialize(to: Collected())
            file.pointee.pMethods = UnsafePointer(CoalescingVFS.logMethods)
            return SQLITE_OK
        }
        guard sqlite3_vfs_register(vfs, 1) == SQLITE_OK else { return nil }
        return vfs
    }()

    nonisolated(unsafe) private static let logMethods: UnsafeMutablePointer<sqlite3_io_methods> = {
        let methods = UnsafeMutablePointer<sqlite3_io_methods>.allocate(capacity: 1)
        methods.initialize(to: sqlite3_io_methods())
        methods.pointee.iVersion = 1  // no shared memory or memory mapping on a log
        methods.pointee.xClose = { file in
            let flushed = CoalescingVFS.flush(file!)
            let inner = CoalescingVFS.inner(file!)
            let closed = inner.pointee.pMethods.map { $0.pointee.xClose!(inner) } ?? SQLITE_OK
            free(CoalescingVFS.collected(file!).pointee.bytes)
            CoalescingVFS.collected(file!).deinitialize(count: 1)
            return flushed != SQLITE_OK ? flushed : closed
        }
        methods.pointee.xWrite = { file, data, amount, offset in
            CoalescingVFS.write(file!, data!, amount, offset)
        }
        methods.pointee.xRead = { file, buffer, amount, offset in
            CoalescingVFS.flushed(file!) { inner in inner.pointee.pMethods.pointee.xRead!(inner, buffer, amount, offset) }
        }
        methods.pointee.xTruncate = { file, size in
            CoalescingVFS.flushed(file!) { inner in inner.pointee.pMethods.pointee.xTruncate!(inner, size) }
        }
        methods.pointee.xSync = { file, flags in
            CoalescingVFS.flushed(file!) { inner in inner.pointee.pMethods.pointee.xSync!(inner, flags) }
        }
        methods.pointee.xFileSize = { file, size in
            CoalescingVFS.flushed(file!) { inner in inner.pointee.pMethods.pointee.xFileSize!(inner, size) }
        }
        methods.pointee.xFileControl = { file, operation, argument in
            CoalescingVFS.flushed(file!) { inner in inner.pointee.pMethods.pointee.xFileControl!(inner, operation, argument) }
        }
        methods.pointee.xLock = { file, level in
            let inner = CoalescingVFS.inner(file!)
            return inner.pointee.pMethods.pointee.xLock!(inner, level)
        }
        methods.pointee.xUnlock = { file, level in
            let inner = CoalescingVFS.inner(file!)
            return inner.pointee.pMethods.pointee.xUnlock!(inner, level)
        }
        methods.pointee.xCheckReservedLock = { file, result in
            let inner = CoalescingVFS.inner(file!)
            return inner.pointee.pMethods.pointee.xCheckReservedLock!(inner, result)
        }
        methods.pointee.xSectorSize = { file in
            let inner = CoalescingVFS.inner(file!)
            return inner.pointee.pMethods.pointee.xSectorSize!(inner)
        }
        methods.pointee.xDeviceCharacteristics = { file in
            let inner = CoalescingVFS.inner(file!)
            return inner.pointee.pMethods.pointee.xDeviceCharacteristics!(inner)
        }
        return methods
    }()

    fileprivate static func inner(_ file: UnsafeMutablePointer<sqlite3_file>) -> UnsafeMutablePointer<sqlite3_file> {
        (UnsafeMutableRawPointer(file) + innerOffset).assumingMemoryBound(to: sqlite3_file.self)
    }

    fileprivate static func collected(_ file: UnsafeMutablePointer<sqlite3_file>) -> UnsafeMutablePointer<Collected> {
        (UnsafeMutableRawPointer(file) + collectedOffset).assumingMemoryBound(to: Collected.self)
    }

    /// Collects a frame's header or page that follows what was written last; writes anything
    /// else at once, after what was collected.
    fileprivate static func write(_ file: UnsafeMutablePointer<sqlite3_file>, _ data: UnsafeRawPointer, _ amount: Int32, _ offset: Int64) -> Int32 {
        let c = collected(file)
        let follows = offset == c.pointee.end
        let isHeader = follows && amount == frameHeaderSize && !c.pointee.expectsPage
        let isPage = follows && c.pointee.expectsPage
        guard isHeader || isPage else {
            let flushed = flush(file)
            guard flushed == SQLITE_OK else { return flushed }
            c.pointee.expectsPage = false
            let inner = inner(file)
            let result = inner.pointee.pMethods.pointee.xWrite!(inner, data, amount, offset)
            if result == SQLITE_OK { c.pointee.end = offset + Int64(amount) }
            return result
        }
        append(c, data, Int(amount), at: offset)
        if isHeader {
            // Bytes 4-7: the database size in pages after a commit, 0 in any other frame.
            let sizeAfterCommit = data.loadUnaligned(fromByteOffset: 4, as: UInt32.self)
            c.pointee.commits = sizeAfterCommit != 0
            c.pointee.expectsPage = true
            return SQLITE_OK
        }
        c.pointee.expectsPage = false
        return c.pointee.commits || c.pointee.count >= limit ? flush(file) : SQLITE_OK
    }

    private static func append(_ c: UnsafeMutablePointer<Collected>, _ data: UnsafeRawPointer, _ amount: Int, at offset: Int64) {
        if c.pointee.count == 0 { c.pointee.start = offset }
        let needed = c.pointee.count + amount
        if needed > c.pointee.capacity {
            let capacity = max(needed, c.pointee.capacity * 2, 64 * 1024)
            c.pointee.bytes = realloc(c.pointee.bytes, capacity)
            precondition(c.pointee.bytes != nil, "out of memory for the write-ahead log's frames")
            c.pointee.capacity = capacity
        }
        (c.pointee.bytes! + c.pointee.count).copyMemory(from: data, byteCount: amount)
        c.pointee.count = needed
        c.pointee.end = offset + Int64(amount)
    }

    /// Writes what was collected: one call per `chunk` bytes.
    fileprivate static func flush(_ file: UnsafeMutablePointer<sqlite3_file>) -> Int32 {
        let c = collected(file)
        guard c.pointee.count > 0 else { return SQLITE_OK }
        let inner = inner(file)
        var written = 0
        var result = SQLITE_OK
        while written < c.pointee.count, result == SQLITE_OK {
            let amount = min(chunk, c.pointee.count - written)
            result = inner.pointee.pMethods.pointee.xWrite!(inner, c.pointee.bytes! + written, Int32(amount), c.pointee.start + Int64(written))
            written += amount
        }
        c.pointee.count = 0
        if result != SQLITE_OK { c.pointee.expectsPage = false }
        return result
    }

    /// Runs `operation` on the platform's file object once what was collected is written.
    private static func flushed(_ file: UnsafeMutablePointer<sqlite3_file>, _ operation: (UnsafeMutablePointer<sqlite3_file>) -> Int32) -> Int32 {
        let result = flush(file)
        guard result == SQLITE_OK else { return result }
        return operation(inner(file))
    }
}

struct CoalescingVFSError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
