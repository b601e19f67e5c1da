import BatonReferenceServicesTesting
import OrderFulfillment
import OrderFulfillmentRPC

extension RunningReferenceServices {
    /// An RPC adapter over these services (no health checks running; calls time out after 2 s).
    func adapter() -> OrderFulfillmentAdapters.RPC {
        OrderFulfillmentAdapters.rpc(endpoints: [endpoint], configuration: .defaults { $0.timeout = .seconds(2) })
    }
}
