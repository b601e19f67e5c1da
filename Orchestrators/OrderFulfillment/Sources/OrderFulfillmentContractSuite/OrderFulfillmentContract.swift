import BatonContractTesting
import OrderFulfillment

/// Everything OrderFulfillment relies on from its contracts, checked against any adapter.
///
/// Uses only the contracts and the factory's seeding and inspection hooks, so it runs unchanged
/// against the in-memory adapter and against adapters that call remote services.
public enum OrderFulfillmentContract {
    public static let checks: [ContractCheck<any OrderFulfillmentBackendFactory>] = inventory + payments + delivery + notifications

    static let lines = [OrderLine(sku: "sku-a", quantity: 2, unitPriceMinor: 500), OrderLine(sku: "sku-b", quantity: 1, unitPriceMinor: 900)]
    static let address = ShippingAddress(street: "1 Main St", city: "Springfield", postalCode: "12345", country: "US")

    static func stocked(_ factory: any OrderFulfillmentBackendFactory, a: Int = 5, b: Int = 5) async throws -> any OrderFulfillmentTestBackend {
        let backend = try await factory.makeBackend()
        try await backend.stock(sku: "sku-a", quantity: a)
        try await backend.stock(sku: "sku-b", quantity: b)
        return backend
    }

    static func hasCode(_ code: OrderFulfillmentError.Code) -> (OrderFulfillmentError) -> Bool { { $0.code == code } }

    static let inventory: [ContractCheck<any OrderFulfillmentBackendFactory>] = [
        ContractCheck("reserve holds stock once per idempotency key") { factory in
            let backend = try await stocked(factory)
            let first = try await backend.services.inventory.reserve(orderID: "o-1", lines: lines, idempotencyKey: "k-1")
            let again = try await backend.services.inventory.reserve(orderID: "o-1", lines: lines, idempotencyKey: "k-1")
            try requireEqual(again, first, "a repeated reserve returns the first reservation")
            try requireEqual(try await backend.available(sku: "sku-a"), 3, "sku-a after one reservation of 2")
            try requireEqual(try await backend.available(sku: "sku-b"), 4, "sku-b after one reservation of 1")
            let other = try await backend.services.inventory.reserve(orderID: "o-2", lines: lines, idempotencyKey: "k-2")
            try require(other.reservationID != first.reservationID, "another key makes another reservation")
            try requireEqual(try await backend.available(sku: "sku-a"), 1, "sku-a after two reservations")
        },
        ContractCheck("reserve refuses insufficient stock and reserves nothing") { factory in
            let backend = try await stocked(factory, a: 5, b: 0)
            try await requireThrows(OrderFulfillmentError.self, "reserving more than is available", matching: hasCode(.insufficientStock)) {
                _ = try await backend.services.inventory.reserve(orderID: "o-1", lines: lines, idempotencyKey: "k-1")
            }
            try requireEqual(try await backend.available(sku: "sku-a"), 5, "sku-a after a refused reservation")
        },
        ContractCheck("reserve of an unknown product is not found") { factory in
            let backend = try await stocked(factory)
            try await requireThrows(OrderFulfillmentError.self, "reserving an unknown sku", matching: hasCode(.notFound)) {
                _ = try await backend.services.inventory.reserve(
                    orderID: "o-1", lines: [OrderLine(sku: "nope", quantity: 1, unitPriceMinor: 1)], idempotencyKey: "k-1")
            }
        },
        ContractCheck("release returns the stock once; a repeat with the same key is a no-op") { factory in
            let backend = try await stocked(factory)
            let reservation = try await backend.services.inventory.reserve(orderID: "o-1", lines: lines, idempotencyKey: "k-1")
            try await backend.services.inventory.release(reservationID: reservation.reservationID, idempotencyKey: "u-1")
            try await backend.services.inventory.release(reservationID: reservation.reservationID, idempotencyKey: "u-1")
            try requireEqual(try await backend.available(sku: "sku-a"), 5, "sku-a after release")
            try await requireThrows(OrderFulfillmentError.self, "releasing again under another key", matching: hasCode(.alreadyUndone)) {
                try await backend.services.inventory.release(reservationID: reservation.reservationID, idempotencyKey: "u-2")
            }
            try await requireThrows(OrderFulfillmentError.self, "releasing an unknown reservation", matching: hasCode(.notFound)) {
                try await backend.services.inventory.release(reservationID: "nope", idempotencyKey: "u-3")
            }
            try requireEqual(try await backend.available(sku: "sku-a"), 5, "sku-a after refused releases")
        },
    ]

    static let payments: [ContractCheck<any OrderFulfillmentBackendFactory>] = [
        ContractCheck("charge captures once per idempotency key") { factory in
            let backend = try await factory.makeBackend()
            let payments = backend.services.payments
            let first = try await payments.charge(orderID: "o-1", customerID: "c-1", amountMinor: 1900, paymentMethodToken: "tok", idempotencyKey: "k-1")
            let again = try await payments.charge(orderID: "o-1", customerID: "c-1", amountMinor: 1900, paymentMethodToken: "tok", idempotencyKey: "k-1")
            try requireEqual(again, first, "a repeated charge returns the first receipt")
            try requireEqual(first.amountMinor, 1900, "the captured amount")
            try requireEqual(try await backend.capturedMinor(customerID: "c-1"), 1900, "captured after a repeated charge")
        },
        ContractCheck("charge past the customer's limit is declined and captures nothing") { factory in
            let backend = try await factory.makeBackend()
            try await backend.setPaymentLimit(customerID: "c-1", limitMinor: 2000)
            let payments = backend.services.payments
            _ = try await payments.charge(orderID: "o-1", customerID: "c-1", amountMinor: 1500, paymentMethodToken: "tok", idempotencyKey: "k-1")
            try await requireThrows(OrderFulfillmentError.self, "a charge past the limit", matching: hasCode(.paymentDeclined)) {
                _ = try await payments.charge(orderID: "o-2", customerID: "c-1", amountMinor: 600, paymentMethodToken: "tok", idempotencyKey: "k-2")
            }
            try requireEqual(try await backend.capturedMinor(customerID: "c-1"), 1500, "captured after a declined charge")
        },
        ContractCheck("refund undoes a charge once; unknown payments are not found") { factory in
            let backend = try await factory.makeBackend()
            let payments = backend.services.payments
            let receipt = try await payments.charge(orderID: "o-1", customerID: "c-1", amountMinor: 1900, paymentMethodToken: "tok", idempotencyKey: "k-1")
            let refund = try await payments.refund(paymentID: receipt.paymentID, idempotencyKey: "u-1")
            let again = try await payments.refund(paymentID: receipt.paymentID, idempotencyKey: "u-1")
            try requireEqual(again, refund, "a repeated refund returns the first refund")
            try requireEqual(refund.amountMinor, 1900, "a refund is in full")
            try requireEqual(try await backend.capturedMinor(customerID: "c-1"), 0, "captured after the refund")
            try await requireThrows(OrderFulfillmentError.self, "refunding again under another key", matching: hasCode(.alreadyUndone)) {
                _ = try await payments.refund(paymentID: receipt.paymentID, idempotencyKey: "u-2")
            }
            try await requireThrows(OrderFulfillmentError.self, "refunding an unknown payment", matching: hasCode(.notFound)) {
                _ = try await payments.refund(paymentID: "nope", idempotencyKey: "u-3")
            }
            try requireEqual(try await backend.capturedMinor(customerID: "c-1"), 0, "captured after refused refunds")
        },
    ]

    static let delivery: [ContractCheck<any OrderFulfillmentBackendFactory>] = [
        ContractCheck("schedule books once per key; cancel undoes it once") { factory in
            let backend = try await factory.makeBackend()
            let delivery = backend.services.delivery
            let booking = try await delivery.schedule(orderID: "o-1", lines: lines, address: address, idempotencyKey: "k-1")
            let again = try await delivery.schedule(orderID: "o-1", lines: lines, address: address, idempotencyKey: "k-1")
            try requireEqual(again, booking, "a repeated schedule returns the first booking")
            try requireEqual(try await backend.activeDeliveryCount(orderID: "o-1"), 1, "deliveries after a repeated schedule")
            try await delivery.cancel(deliveryID: booking.deliveryID, idempotencyKey: "u-1")
            try await delivery.cancel(deliveryID: booking.deliveryID, idempotencyKey: "u-1")
            try requireEqual(try await backend.activeDeliveryCount(orderID: "o-1"), 0, "deliveries after cancel")
            try await requireThrows(OrderFulfillmentError.self, "cancelling again under another key", matching: hasCode(.alreadyUndone)) {
                try await delivery.cancel(deliveryID: booking.deliveryID, idempotencyKey: "u-2")
            }
            try await requireThrows(OrderFulfillmentError.self, "cancelling an unknown delivery", matching: hasCode(.notFound)) {
                try await delivery.cancel(deliveryID: "nope", idempotencyKey: "u-3")
            }
        },
        ContractCheck("schedule refuses an address without a postal code") { factory in
            let backend = try await factory.makeBackend()
            var bad = address
            bad.postalCode = ""
            try await requireThrows(OrderFulfillmentError.self, "scheduling to an incomplete address", matching: hasCode(.invalidArgument)) {
                _ = try await backend.services.delivery.schedule(orderID: "o-1", lines: lines, address: bad, idempotencyKey: "k-1")
            }
            try requireEqual(try await backend.activeDeliveryCount(orderID: "o-1"), 0, "deliveries after a refused schedule")
        },
    ]

    static let notifications: [ContractCheck<any OrderFulfillmentBackendFactory>] = [
        ContractCheck("a confirmation is sent once per key") { factory in
            let backend = try await factory.makeBackend()
            let notifications = backend.services.notifications
            let first = try await notifications.notifyOrderConfirmed(orderID: "o-1", customerID: "c-1", deliveryID: "d-1", idempotencyKey: "k-1")
            let again = try await notifications.notifyOrderConfirmed(orderID: "o-1", customerID: "c-1", deliveryID: "d-1", idempotencyKey: "k-1")
            try requireEqual(again, first, "a repeated notification returns the first receipt")
            try requireEqual(try await backend.notificationCount(orderID: "o-1"), 1, "confirmations sent")
        },
    ]
}
