/// Everything OrderFulfillment needs from the world, one implementation per role.
///
/// The composition root fills it from one adapter (in-memory, RPC, …); the orchestrator never
/// knows which.
public struct OrderFulfillmentServices: Sendable {
    public var inventory: any InventoryReservations
    public var payments: any PaymentProcessing
    public var delivery: any DeliveryScheduling
    public var notifications: any CustomerNotifications

    public init(
        inventory: any InventoryReservations,
        payments: any PaymentProcessing,
        delivery: any DeliveryScheduling,
        notifications: any CustomerNotifications
    ) {
        self.inventory = inventory
        self.payments = payments
        self.delivery = delivery
        self.notifications = notifications
    }
}
