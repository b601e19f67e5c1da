import BatonWorkflow
import PostgresNIO

/// Turns PostgresNIO's errors into `WorkflowError`s with a message a reader can act on
/// (PSQLError's own description is deliberately generic).
enum PostgresFailure {
    /// `error` as a `WorkflowError` (`.storageFailure` unless it already is one).
    static func storage(_ error: any Error, _ what: String) -> WorkflowError {
        let error = unwrapped(error)
        if let error = error as? WorkflowError { return error }
        return WorkflowError(code: .storageFailure, message: "\(what): \(describe(error))", cause: error)
    }

    /// The error that made a transaction fail, rather than the transaction's wrapper.
    static func unwrapped(_ error: any Error) -> any Error {
        guard let transaction = error as? PostgresTransactionError else { return error }
        return transaction.beginError ?? transaction.closureError ?? transaction.commitError ?? error
    }

    /// The server's message and SQLSTATE, or what failed on the client side.
    static func describe(_ error: any Error) -> String {
        guard let error = unwrapped(error) as? PSQLError else { return "\(unwrapped(error))" }
        if let info = error.serverInfo, let message = info[.message] {
            return "\(message) (SQLSTATE \(info[.sqlState] ?? "?"))"
        }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }

    /// Whether the server rejected a statement (as opposed to the connection failing), so that
    /// running the statement's writes one by one may isolate the one at fault.
    static func isStatementError(_ error: any Error) -> Bool {
        (error as? PSQLError)?.code == .server
    }
}
