import BatonContractTesting
import SupplyChainOperations

/// The contract suite: every behaviour the SupplyChainOperations orchestrator relies on from its
/// services, written once and run against every adapter (in-memory here, RPC later).
///
/// ```swift
/// @Test(arguments: SupplyChainOperationsContract.checks)
/// func contract(_ check: ContractCheck<any SupplyChainOperationsBackendFactory>) async throws {
///     try await check.run(factory)
/// }
/// ```
public enum SupplyChainOperationsContract {
    public typealias Check = ContractCheck<any SupplyChainOperationsBackendFactory>

    public static let checks: [Check] = salesOrderChecks + purchaseOrderChecks + stockChecks + transferChecks
        + receivableChecks + returnChecks + salesHistoryChecks + valuationChecks

    /// Runs `body` against a fresh backend.
    static func check(_ name: String, _ body: @escaping @Sendable (SupplyChainOperationsContractBackend) async throws -> Void) -> Check {
        Check(name) { factory in try await body(try await factory.makeBackend()) }
    }

    /// Requires `body` to throw a ``SupplyChainError`` with `code`.
    static func requireRefusal(
        _ code: SupplyChainError.Code,
        _ what: String,
        fileID: String = #fileID,
        line: Int = #line,
        _ body: () async throws -> Void
    ) async throws {
        try await requireThrows(SupplyChainError.self, what, fileID: fileID, line: line, matching: { $0.code == code }, body)
    }

    static let lines = [OrderLine(sku: "WIDGET", quantity: 2, unitPriceMinor: 1_250)]
    static let salesOrderRequest = SalesOrderRequest(reference: "web-1", customerID: "C-1", lines: lines, currency: "EUR")

    /// The available stock of `sku` in `warehouseID`, read through the contract.
    static func available(_ backend: SupplyChainOperationsContractBackend, _ sku: String, _ warehouseID: String) async throws -> Int64 {
        try await backend.services.stock.stockLevels(sku: sku).first { $0.warehouseID == warehouseID }?.available ?? 0
    }
}
