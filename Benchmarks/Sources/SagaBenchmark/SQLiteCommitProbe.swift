import BenchmarkSupport
import Foundation
import GRDB

/// The floor of a durable start on SQLite at a given rate: SQLite alone, committing one small
/// transaction at a time (BEGIN IMMEDIATE, one 1 KiB row, COMMIT) in WAL mode with
/// `synchronous=FULL`, so that SQLite fsyncs its log in every commit. One connection, prepared
/// statements, a one-table schema: no engine, no encoding, no queue, no other thread. Whatever a
/// durable start costs beyond this is Baton's own.
///
/// Half a second of commits back to back first grows the log to its steady size (SQLite's
/// automatic checkpoint starts it over every 1,000 pages), so that the measured commits reuse it,
/// as in `StartLatencyRun`.
enum SQLiteCommitProbe {
    static func run(directory: String, duration: Duration, rate: Double) throws -> PacedLoop.Result {
        let path = directory + "/sqlite-commit-probe.sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) } }
        var configuration = Configuration()
        configuration.journalMode = .wal
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        let row = Data(repeating: 0xA5, count: 1024)
        return try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "CREATE TABLE probe (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
            let begin = try db.makeStatement(sql: "BEGIN IMMEDIATE TRANSACTION")
            let insert = try db.makeStatement(sql: "INSERT INTO probe (body) VALUES (?)")
            let commit = try db.makeStatement(sql: "COMMIT TRANSACTION")
            guard try String.fetchOne(db, sql: "PRAGMA journal_mode") == "wal", try Int.fetchOne(db, sql: "PRAGMA synchronous") == 2 else {
                throw BenchmarkError("the SQLite commit probe did not get WAL mode with synchronous=FULL")
            }
            func commitOne(_: Int) throws {
                try begin.execute()
                try insert.execute(arguments: [row])
                try commit.execute()
            }
            _ = try PacedLoop.run(duration: .milliseconds(500), commitOne)
            return try PacedLoop.run(duration: duration, rate: rate, commitOne)
        }
    }
}
