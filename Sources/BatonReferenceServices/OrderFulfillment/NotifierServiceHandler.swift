import BatonAtomicAPI
import BatonRPC
import OrderFulfillment
import OrderFulfillmentRPC

/// `baton.atomic.notifier.v1.NotifierService` on the reference services' truth.
struct NotifierServiceHandler: Baton_Atomic_Notifier_V1_NotifierServiceHandler {
    let host: ReferenceServices

    func sendOrderConfirmation(_ request: Baton_Atomic_Notifier_V1_SendOrderConfirmationRequest, context: ServerContext) async throws
        -> Baton_Atomic_Notifier_V1_Notification
    {
        try await host.serve(context, OrderFulfillmentError.self) {
            let receipt = try await host.orders.notifyOrderConfirmed(
                orderID: request.orderID, customerID: request.customerID, deliveryID: request.deliveryID, idempotencyKey: request.idempotencyKey)
            return Baton_Atomic_Notifier_V1_Notification(receipt)
        }
    }

    func countNotifications(_ request: Baton_Atomic_Notifier_V1_CountNotificationsRequest, context: ServerContext) async throws
        -> Baton_Atomic_Notifier_V1_CountNotificationsResponse
    {
        try await host.serve(context, OrderFulfillmentError.self) {
            var response = Baton_Atomic_Notifier_V1_CountNotificationsResponse()
            response.count = Int64(host.orders.notificationsSent(orderID: request.orderID))
            return response
        }
    }
}
