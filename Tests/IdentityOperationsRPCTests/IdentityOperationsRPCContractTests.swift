import BatonContractTesting
import BatonReferenceServicesTesting
import IdentityOperationsContractSuite
import Testing

/// The same contract checks as the in-memory adapter's, against the RPC adapter talking to the
/// reference services over 127.0.0.1 (a fresh service instance per check).
@Suite("IdentityOperations contract: RPC adapter against the reference services")
struct IdentityOperationsRPCContractTests {
    @Test("contract check", arguments: IdentityOperationsContract.checks)
    func check(_ check: ContractCheck<any IdentityOperationsBackendFactory>) async throws {
        let factory = RPCIdentityFactory()
        try await run({ try await check.run(factory) }, thenShutDown: factory.shutdown)
    }
}
