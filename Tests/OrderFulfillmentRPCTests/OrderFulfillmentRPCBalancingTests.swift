import BatonRPC
import BatonReferenceServicesTesting
import OrderFulfillment
import OrderFulfillmentRPC
import Testing

/// The RPC adapter over several endpoints of the same services: round-robin, and endpoints
/// that fail their health check are skipped until they pass again.
@Suite("OrderFulfillment RPC adapter over several endpoints")
struct OrderFulfillmentRPCBalancingTests {
    @Test("calls go round-robin, skip a stopped endpoint once its health check fails, and return to it when it is back")
    func failover() async throws {
        let first = try await RunningReferenceServices.started()
        let second = try await RunningReferenceServices.started()
        let adapter = OrderFulfillmentAdapters.rpc(endpoints: [first.endpoint, second.endpoint])
        func notify(_ key: String) async throws {
            _ = try await adapter.notifyOrderConfirmed(orderID: "o-1", customerID: "c-1", deliveryID: "d-1", idempotencyKey: key)
        }
        func sent(_ services: RunningReferenceServices) -> Int { services.references.orders.notificationsSent(orderID: "o-1") }
        let notifier = adapter.balancers[3]

        for key in ["k-1", "k-2", "k-3", "k-4"] { try await notify(key) }
        #expect(sent(first) == 2)
        #expect(sent(second) == 2)

        await first.stop()
        await notifier.checkHealth()
        #expect(notifier.status.map(\.healthy) == [false, true])
        for key in ["k-5", "k-6", "k-7"] { try await notify(key) }
        #expect(sent(first) == 2)
        #expect(sent(second) == 5)

        try await first.start()
        await notifier.checkHealth()
        #expect(notifier.status.map(\.healthy) == [true, true])
        for key in ["k-8", "k-9"] { try await notify(key) }
        #expect(sent(first) + sent(second) == 9)
        #expect(sent(first) >= 3)

        await adapter.close()
        await first.stop()
        await second.stop()
    }
}
