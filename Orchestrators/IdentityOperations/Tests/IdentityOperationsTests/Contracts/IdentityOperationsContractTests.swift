import BatonContractTesting
import IdentityOperationsContractSuite
import Testing

@Suite("IdentityOperations contract: in-memory adapter")
struct IdentityOperationsContractTests {
    @Test("contract check", arguments: IdentityOperationsContract.checks)
    func check(_ check: ContractCheck<any IdentityOperationsBackendFactory>) async throws {
        try await check.run(InMemoryIdentityFactory())
    }
}
