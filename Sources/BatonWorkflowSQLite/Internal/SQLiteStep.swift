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
    /// Binds `arguments` to the parameters in order (the first to `?1`), runs the statement to
    /// its end and returns the first column of its first row as an integer (a `RETURNING` key),
    /// nil without rows.
    ///
    /// The store's per-write statements go through here, on statements GRDB prepared and
    /// caches, straight to SQLite's C API: for these small statements GRDB's general path
    /// (arguments as `DatabaseValue`s, a cursor object per fetch) took as much CPU as SQLite's
    /// own work. Texts and blobs are bound in place (`SQLITE_STATIC`) rather than copied: the
    /// statement runs while each value's memory is borrowed, and its bindings are cleared right
    /// after (SQLite then still holds the pointers, but never reads them again).
    ///
    /// - Throws: `DatabaseError` with SQLite's code and message.
    @discardableResult
    func step(_ arguments: [SQLiteArgument] = []) throws -> Int64? {
        let statement = sqliteStatement
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        return try bind(arguments[...], at: 1) {
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
    }

    /// Binds the first of `arguments` to parameter `index` and the rest after it, then runs `body`
    /// with every text's and blob's memory still borrowed.
    private func bind(_ arguments: ArraySlice<SQLiteArgument>, at index: Int32, then body: () throws -> Int64?) throws -> Int64? {
        guard let argument = arguments.first else { return try body() }
        let statement = sqliteStatement
        let rest = arguments.dropFirst()
        switch argument {
        case .integer(let value):
            try check(sqlite3_bind_int64(statement, index, value))
            return try bind(rest, at: index + 1, then: body)
        case .text(var value):
            return try value.withUTF8 { text in
                let start = UnsafeRawPointer(text.baseAddress) ?? Self.empty
                try check(sqlite3_bind_text(statement, index, start.assumingMemoryBound(to: CChar.self), Int32(text.count), Self.borrowed))
                return try bind(rest, at: index + 1, then: body)
            }
        case .blob(let value):
            return try value.withUnsafeBytes { bytes in
                try check(sqlite3_bind_blob(statement, index, bytes.baseAddress ?? Self.empty, Int32(bytes.count), Self.borrowed))
                return try bind(rest, at: index + 1, then: body)
            }
        case .null:
            try check(sqlite3_bind_null(statement, index))
            return try bind(rest, at: index + 1, then: body)
        }
    }

    private func check(_ code: Int32) throws {
        guard code == SQLITE_OK else { throw error(code) }
    }

    private func error(_ code: Int32) -> DatabaseError {
        let message = sqlite3_db_handle(sqliteStatement).flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
    }

    /// `SQLITE_STATIC`: SQLite reads the value where it is and never frees it.
    private static var borrowed: sqlite3_destructor_type? { nil }
    /// A non-null pointer for an empty text or blob (a null one would bind NULL).
    private static var empty: UnsafeRawPointer { UnsafeRawPointer(bitPattern: 1)! }
}
