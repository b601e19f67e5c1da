/// One check of an orchestrator's contract, written once and run against every adapter.
///
/// A contract suite is a list of checks over an adapter factory (`Subject`); a test target runs
/// each check against each implementation, e.g. with
/// `@Test(arguments: OrderFulfillmentContract.checks) func check(_ c: …) async throws { try await c.run(factory) }`.
public struct ContractCheck<Subject>: Sendable, CustomStringConvertible {
    public let name: String
    private let body: @Sendable (Subject) async throws -> Void

    public init(_ name: String, _ body: @escaping @Sendable (Subject) async throws -> Void) {
        self.name = name
        self.body = body
    }

    /// Runs the check; throws ``ContractViolation`` (or the adapter's unexpected error) on failure.
    public func run(_ subject: Subject) async throws {
        try await body(subject)
    }

    public var description: String { name }
}

/// A contract check found the adapter breaking the contract.
public struct ContractViolation: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var location: String

    public init(_ message: String, fileID: String = #fileID, line: Int = #line) {
        self.message = message
        self.location = "\(fileID):\(line)"
    }

    public var description: String { "\(location): \(message)" }
}

/// Fails the check with `message` unless `condition` holds.
public func require(
    _ condition: Bool,
    _ message: @autoclosure () -> String,
    fileID: String = #fileID,
    line: Int = #line
) throws(ContractViolation) {
    guard condition else { throw ContractViolation(message(), fileID: fileID, line: line) }
}

/// Fails the check unless `actual == expected`.
public func requireEqual<Value: Equatable>(
    _ actual: Value,
    _ expected: Value,
    _ what: @autoclosure () -> String,
    fileID: String = #fileID,
    line: Int = #line
) throws(ContractViolation) {
    guard actual == expected else {
        throw ContractViolation("\(what()): expected \(expected), got \(actual)", fileID: fileID, line: line)
    }
}

/// Runs `body`, which must throw an error of type `Failure` that satisfies `matches`; returns it.
@discardableResult
public func requireThrows<Failure: Error>(
    _ type: Failure.Type,
    _ what: @autoclosure () -> String,
    fileID: String = #fileID,
    line: Int = #line,
    matching matches: (Failure) -> Bool = { _ in true },
    _ body: () async throws -> Void
) async throws(ContractViolation) -> Failure {
    do {
        try await body()
    } catch let error as Failure {
        guard matches(error) else {
            throw ContractViolation("\(what()): threw an unexpected \(Failure.self): \(error)", fileID: fileID, line: line)
        }
        return error
    } catch {
        throw ContractViolation("\(what()): expected \(Failure.self), got \(error)", fileID: fileID, line: line)
    }
    throw ContractViolation("\(what()): expected \(Failure.self), nothing was thrown", fileID: fileID, line: line)
}
