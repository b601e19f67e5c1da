import Foundation
import GRDB
import GRDBSQLite

/// A value bound to a statement parameter by ``GRDB/Statement/step(_:)``.
enum SQLiteArgument {
    case integer(Int64)
    case text(String)
    case blob(Data)
    case null

    static func integer(_ value: Int) -> SQLiteArgument { .integer(Int64(value)) }
    static func bool(_ value: Bool) -> SQLiteArgument { .integer(value ? 1 : 0) }
    static func text(_ value: String?) -> SQLiteArgument { value.map(SQLiteArgument.text) ?? .null }
}

extension Statement {
    /// Binds `arguments` to the parameters in order, runs the statement to its end and returns
    /// the first column of its first row as an integer (a `RETURNING` key), nil without rows.
    ///
    /// The store's per-write statements go through here, on statements GRDB prepared and
    /// caches, straight to SQLite's C API: for these small statements GRDB's general path
    /// (arguments as `DatabaseValue`s, a cursor object per fetch) took as much CPU as SQLite's
    /// own work. Values are copied by SQLite (`SQLITE_TRANSIENT`), so nothing must outlive the call.
    ///
    /// - Throws: `DatabaseError` with SQLite's code and message.
    func step(_ arguments: [SQLiteArgument] = []) throws -> Int64? {
        let statement = sqliteStatement
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (offset, argument) in arguments.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch argument {
            case .integer(let value):
                code = sqlite3_bind_int64(statement, index, value)
            case .text(var value):
                code = value.withUTF8 { sqlite3_bind_text(statement, index, $0.baseAddress, Int32($0.count), Self.transient) }
            case .blob(let value):
                code = value.withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress ?? Self.empty, Int32($0.count), Self.transient) }
            case .null:
                code = sqlite3_bind_null(statement, index)
            }
            guard code == SQLITE_OK else { throw error(code) }
        }
        var first: Int64?
        while true {
            let code = sqlite3_step(statement)
            switch code {
            case SQLITE_DONE:
                return first
            case SQLITE_ROW:
                if first == nil { first = sqlite3_column_int64(statement, 0) }
            default:
                throw error(code)
            }
        }
    }

    private func error(_ code: Int32) -> DatabaseError {
        let message = sqlite3_db_handle(sqliteStatement).flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
    }

    /// SQLite copies the value before the bind returns.
    private static var transient: sqlite3_destructor_type { unsafeBitCast(-1, to: sqlite3_destructor_type.self) }
    /// A non-null pointer for an empty blob (a null one would bind NULL).
    private static var empty: UnsafeRawPointer { UnsafeRawPointer(bitPattern: 1)! }
}
