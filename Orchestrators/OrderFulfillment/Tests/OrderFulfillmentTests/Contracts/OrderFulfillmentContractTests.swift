import BatonContractTesting
import OrderFulfillmentContractSuite
import Testing

@Suite("OrderFulfillment contract: in-memory adapter")
struct OrderFulfillmentContractTests {
    @Test("contract check", arguments: OrderFulfillmentContract.checks)
    func check(_ check: ContractCheck<any OrderFulfillmentBackendFactory>) async throws {
        try await check.run(InMemoryOrderFactory())
    }
}
