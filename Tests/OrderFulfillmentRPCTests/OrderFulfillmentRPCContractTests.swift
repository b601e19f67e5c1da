import BatonContractTesting
import BatonReferenceServicesTesting
import OrderFulfillmentContractSuite
import Testing

/// The same contract checks as the in-memory adapter's, against the RPC adapter talking to the
/// reference services over 127.0.0.1 (a fresh service instance per check).
@Suite("OrderFulfillment contract: RPC adapter against the reference services")
struct OrderFulfillmentRPCContractTests {
    @Test("contract check", arguments: OrderFulfillmentContract.checks)
    func check(_ check: ContractCheck<any OrderFulfillmentBackendFactory>) async throws {
        let factory = RPCOrderFactory()
        try await run({ try await check.run(factory) }, thenShutDown: factory.shutdown)
    }
}
