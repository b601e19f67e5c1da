import BatonAtomicAPI
import BatonRPC
import IdentityOperations
import IdentityOperationsRPC

/// `baton.atomic.notifier.v1.UserNotifierService` on the reference services' truth.
struct UserNotifierServiceHandler: Baton_Atomic_Notifier_V1_UserNotifierServiceHandler {
    let host: ReferenceServices

    func sendUserNotification(_ request: Baton_Atomic_Notifier_V1_SendUserNotificationRequest, context: ServerContext) async throws
        -> Baton_Atomic_Notifier_V1_Notification
    {
        try await host.serve(context, IdentityOperationsError.self) {
            Baton_Atomic_Notifier_V1_Notification(try await host.identity.send(NotificationMessage(request), idempotencyKey: request.idempotencyKey))
        }
    }

    func countUserNotifications(_ request: Baton_Atomic_Notifier_V1_CountUserNotificationsRequest, context: ServerContext) async throws
        -> Baton_Atomic_Notifier_V1_CountNotificationsResponse
    {
        try await host.serve(context, IdentityOperationsError.self) {
            var response = Baton_Atomic_Notifier_V1_CountNotificationsResponse()
            response.count = Int64(host.identity.sentNotifications.filter { $0.recipientUserID == request.userID }.count)
            return response
        }
    }
}
