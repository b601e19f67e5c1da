import BenchmarkSupport
import GRDBSQLite

#if canImport(Glibc)
import Glibc
#endif

/// The floor of a durable start on SQLite at a given rate: SQLite alone, committing one small
/// transaction at a time (BEGIN IMMEDIATE, one 1 KiB row, COMMIT) in WAL mode with
/// `synchronous=FULL`, so that SQLite fsyncs its log in every commit. One connection through
/// SQLite's C API and its own "unix" VFS (not the store's, which the process registers as the
/// default), prepared statements, a one-table schema: no engine, no encoding, no queue, no other
/// thread. Whatever a durable start costs beyond this is Baton's own.
///
/// Half a second of commits back to back first grows the log to its steady size (SQLite's
/// automatic checkpoint starts it over every 1,000 pages), so that the measured commits reuse it,
/// as in `StartLatencyRun`.
enum SQLiteCommitProbe {
    static func run(directory: String, duration: Duration, rate: Double) throws -> PacedLoop.Result {
        let path = directory + "/sqlite-commit-probe.sqlite"
        var connection: OpaquePointer?
        guard sqlite3_open_v2(path, &connection, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, "unix") == SQLITE_OK, let db = connection else {
            sqlite3_close(connection)
            throw BenchmarkError("the SQLite commit probe cannot open \(path)")
        }
        var statements: [OpaquePointer] = []
        defer {
            for statement in statements { sqlite3_finalize(statement) }
            sqlite3_close(db)
            for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
        }
        func check(_ result: Int32, _ what: String) throws {
            guard result == SQLITE_OK || result == SQLITE_DONE || result == SQLITE_ROW else {
                throw BenchmarkError("SQLite commit probe: \(what) failed: \(String(cString: sqlite3_errmsg(db)))")
            }
        }
        func prepare(_ sql: String) throws -> OpaquePointer {
            var statement: OpaquePointer?
            try check(sqlite3_prepare_v2(db, sql, -1, &statement, nil), sql)
            statements.append(statement!)
            return statement!
        }
        func step(_ statement: OpaquePointer) throws -> Int32 {
            let result = sqlite3_step(statement)
            try check(result, String(cString: sqlite3_sql(statement)))
            let value = result == SQLITE_ROW ? sqlite3_column_int(statement, 0) : 0
            sqlite3_reset(statement)
            return value
        }
        try check(sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL", nil, nil, nil), "setting WAL mode")
        try check(sqlite3_exec(db, "CREATE TABLE probe (id INTEGER PRIMARY KEY, body BLOB NOT NULL)", nil, nil, nil), "creating the table")
        guard try step(prepare("SELECT journal_mode = 'wal' FROM pragma_journal_mode")) == 1,
            try step(prepare("PRAGMA synchronous")) == 2
        else {
            throw BenchmarkError("the SQLite commit probe did not get WAL mode with synchronous=FULL")
        }
        let begin = try prepare("BEGIN IMMEDIATE TRANSACTION")
        let insert = try prepare("INSERT INTO probe (body) VALUES (?)")
        let commit = try prepare("COMMIT TRANSACTION")
        let row = [UInt8](repeating: 0xA5, count: 1024)
        func commitOne(_: Int) throws {
            _ = try step(begin)
            try check(sqlite3_bind_blob(insert, 1, row, Int32(row.count), nil), "binding the row")
            _ = try step(insert)
            _ = try step(commit)
        }
        _ = try PacedLoop.run(duration: .milliseconds(500), commitOne)
        return try PacedLoop.run(duration: duration, rate: rate, commitOne)
    }
}
