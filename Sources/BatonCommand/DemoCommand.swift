import ArgumentParser
import BatonAPI
import BatonRPC
import Foundation

/// `baton demo`: drives real PlaceOrder sagas through a running server's typed API: one order
/// that completes, one whose payment is declined and is compensated. Prints each workflow's
/// events as they happen, then its step table.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Place two orders on a running server (one completes, one is declined and compensated) and show both."
    )

    @OptionGroup var client: ClientOptions

    @Option(help: "A prefix for the demo's order ids (default: a fresh one per run).")
    var orderPrefix = "demo-\(UInt32.random(in: 0...UInt32.max))"

    func run() async throws {
        // 2 × 12.50 is within the demo payment limit; 80 × 12.50 = 1000.00 is not.
        let orders = [("\(orderPrefix)-ok", 2, "COMPLETED"), ("\(orderPrefix)-declined", 80, "COMPENSATED")]
        var failures: [String] = []
        for (orderID, quantity, expected) in orders {
            var request = Baton_OrderFulfillment_V1_PlaceOrderRequest()
            request.orderID = orderID
            request.customerID = "customer-\(orderID)"
            var line = Baton_OrderFulfillment_V1_OrderLine()
            line.sku = "WIDGET"
            line.quantity = Int32(quantity)
            line.unitPriceMinor = 1250
            request.lines = [line]
            request.paymentMethodToken = "tok_demo"
            var address = Baton_OrderFulfillment_V1_ShippingAddress()
            address.street = "1 Main Street"
            address.city = "Springfield"
            address.postalCode = "12345"
            address.country = "US"
            request.shippingAddress = address

            let workflow = try await client.withCaller { caller in
                let placed = try await Baton_OrderFulfillment_V1_OrderFulfillmentClient(caller).placeOrder(request, options: client.callOptions)
                print("\nPlaceOrder \(orderID) (\(quantity) × WIDGET at 12.50) → workflow \(placed.workflowID)")
                let workflows = Baton_Coordination_V1_WorkflowServiceClient(caller)
                var watch = Baton_Coordination_V1_WatchWorkflowRequest()
                watch.workflowID = placed.workflowID
                try await workflows.watchWorkflow(watch) { events in
                    for try await event in events { print("  " + Output.line(event)) }
                }
                var get = Baton_Coordination_V1_GetWorkflowRequest()
                get.workflowID = placed.workflowID
                return try await workflows.getWorkflow(get, options: client.callOptions)
            }
            print("")
            print(Output.table(workflow), terminator: "")
            if Output.name(workflow.status) != expected {
                failures.append("\(workflow.workflowID) ended \(Output.name(workflow.status)), expected \(expected)")
            }
        }
        guard failures.isEmpty else {
            FileHandle.standardError.write(Data(("demo failed: " + failures.joined(separator: "; ") + "\n").utf8))
            throw ExitCode(1)
        }
        print("\ndemo: one order completed, one was declined and compensated")
    }
}
