import BatonAtomicAPI
import BatonRPC
import OrderFulfillment
import OrderFulfillmentInMemory
import OrderFulfillmentRPC

extension ReferenceFamily {
    /// Inventory, payment, shipping and the order notifier, on OrderFulfillment's in-memory adapter.
    static func orderFulfillment(_ backend: OrderFulfillmentAdapters.InMemory) -> ReferenceFamily {
        let operations: [(MethodDescriptor, OrderFulfillmentAdapters.InMemory.Operation)] = [
            (Baton_Atomic_Inventory_V1_InventoryService.Method.reserve, .reserve),
            (Baton_Atomic_Inventory_V1_InventoryService.Method.release, .release),
            (Baton_Atomic_Payment_V1_PaymentService.Method.charge, .charge),
            (Baton_Atomic_Payment_V1_PaymentService.Method.refund, .refund),
            (Baton_Atomic_Shipping_V1_ShippingService.Method.scheduleDelivery, .schedule),
            (Baton_Atomic_Shipping_V1_ShippingService.Method.cancelDelivery, .cancelDelivery),
            (Baton_Atomic_Notifier_V1_NotifierService.Method.sendOrderConfirmation, .notify),
        ]
        return ReferenceFamily(
            serviceNames: orderFulfillmentServiceNames,
            makeHandlers: { host in
                [InventoryServiceHandler(host: host), PaymentServiceHandler(host: host), ShippingServiceHandler(host: host), NotifierServiceHandler(host: host)]
            },
            operations: operations.map { method, operation in
                InjectableOperation(
                    method, failingWith: OrderFulfillmentError.self,
                    failNext: { backend.failNext($0, of: operation, with: $1, afterEffect: $2) },
                    addLatency: { backend.addLatency($0, to: operation, calls: $1) }
                )
            }
        )
    }

    static let orderFulfillmentServiceNames = [
        Baton_Atomic_Inventory_V1_InventoryService.name,
        Baton_Atomic_Payment_V1_PaymentService.name,
        Baton_Atomic_Shipping_V1_ShippingService.name,
        Baton_Atomic_Notifier_V1_NotifierService.name,
    ]
}
