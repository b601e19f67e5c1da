import BatonContractTesting
import BatonReferenceServicesTesting
import SupplyChainOperationsContractSuite
import Testing

/// The same contract checks as the in-memory adapter's, against the RPC adapter talking to the
/// reference services over 127.0.0.1 (a fresh service instance per check).
@Suite("SupplyChainOperations contract: RPC adapter against the reference services")
struct SupplyChainOperationsRPCContractTests {
    @Test("contract check", arguments: SupplyChainOperationsContract.checks)
    func check(_ check: ContractCheck<any SupplyChainOperationsBackendFactory>) async throws {
        let factory = RPCSupplyChainFactory()
        try await run({ try await check.run(factory) }, thenShutDown: factory.shutdown)
    }
}
