import BatonAPI
import BatonRPC

/// The benchmarked orders: one unit of WIDGET, GADGET or GIZMO at 12.50 (the demo data stocks
/// 1,000,000 of each), each for a customer of its own so that no payment reaches the demo limit
/// of 500.00 per customer and every saga completes. The caller picks the workflow id, so that it
/// can wait for the id's completion event before the call returns.
enum OrderWorkload {
    static let skus = ["WIDGET", "GADGET", "GIZMO"]
    static let unitPriceMinor: Int64 = 1250

    /// A workflow id unique to this run.
    static func workflowID(_ run: String, _ index: Int) -> String { "bench-\(run)-\(index)" }

    /// PlaceOrder through the typed API.
    static func placeOrder(_ run: String, _ index: Int) -> Baton_OrderFulfillment_V1_PlaceOrderRequest {
        var request = Baton_OrderFulfillment_V1_PlaceOrderRequest()
        request.workflowID = workflowID(run, index)
        request.orderID = "order-\(run)-\(index)"
        request.customerID = "customer-\(run)-\(index)"
        var line = Baton_OrderFulfillment_V1_OrderLine()
        line.sku = skus[index % skus.count]
        line.quantity = 1
        line.unitPriceMinor = unitPriceMinor
        request.lines = [line]
        request.paymentMethodToken = "tok_bench"
        var address = Baton_OrderFulfillment_V1_ShippingAddress()
        address.street = "1 Main Street"
        address.city = "Springfield"
        address.postalCode = "12345"
        address.country = "US"
        request.shippingAddress = address
        return request
    }

    /// The same order through the generic StartWorkflow (`PlaceOrder` with its JSON input).
    static func startWorkflow(_ run: String, _ index: Int) -> Baton_Coordination_V1_StartWorkflowRequest {
        let sku = skus[index % skus.count]
        var request = Baton_Coordination_V1_StartWorkflowRequest()
        request.workflowType = "PlaceOrder"
        request.workflowID = workflowID(run, index)
        request.inputJson = """
            {"orderID":"order-\(run)-\(index)","customerID":"customer-\(run)-\(index)",\
            "lines":[{"sku":"\(sku)","quantity":1,"unitPriceMinor":\(unitPriceMinor)}],"paymentMethodToken":"tok_bench",\
            "shippingAddress":{"street":"1 Main Street","city":"Springfield","postalCode":"12345","country":"US"}}
            """
        return request
    }

    /// Every call's deadline: generous, so that a slow call under load is measured, not failed.
    static let callOptions = CallOptions(timeout: .seconds(60))
}
