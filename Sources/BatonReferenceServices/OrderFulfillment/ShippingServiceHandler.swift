import BatonAtomicAPI
import BatonRPC
import OrderFulfillment
import OrderFulfillmentRPC

/// `baton.atomic.shipping.v1.ShippingService` on the reference services' truth.
struct ShippingServiceHandler: Baton_Atomic_Shipping_V1_ShippingServiceHandler {
    let host: ReferenceServices

    func scheduleDelivery(_ request: Baton_Atomic_Shipping_V1_ScheduleDeliveryRequest, context: ServerContext) async throws
        -> Baton_Atomic_Shipping_V1_Delivery
    {
        try await host.serve(context, OrderFulfillmentError.self) {
            let booking = try await host.orders.schedule(
                orderID: request.orderID, lines: request.lines.map(OrderLine.init),
                address: ShippingAddress(request.address ?? Baton_Atomic_Shipping_V1_Address()), idempotencyKey: request.idempotencyKey)
            return Baton_Atomic_Shipping_V1_Delivery(booking)
        }
    }

    func cancelDelivery(_ request: Baton_Atomic_Shipping_V1_CancelDeliveryRequest, context: ServerContext) async throws
        -> Baton_Atomic_Shipping_V1_CancelDeliveryResponse
    {
        try await host.serve(context, OrderFulfillmentError.self) {
            try await host.orders.cancel(deliveryID: request.deliveryID, idempotencyKey: request.idempotencyKey)
            return Baton_Atomic_Shipping_V1_CancelDeliveryResponse()
        }
    }

    func listDeliveries(_ request: Baton_Atomic_Shipping_V1_ListDeliveriesRequest, context: ServerContext) async throws
        -> Baton_Atomic_Shipping_V1_ListDeliveriesResponse
    {
        try await host.serve(context, OrderFulfillmentError.self) {
            var response = Baton_Atomic_Shipping_V1_ListDeliveriesResponse()
            response.deliveries = host.orders.activeDeliveries(orderID: request.orderID)
                .sorted { $0.deliveryID < $1.deliveryID }
                .map(Baton_Atomic_Shipping_V1_Delivery.init)
            return response
        }
    }
}
