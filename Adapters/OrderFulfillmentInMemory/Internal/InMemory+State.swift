import BatonInMemorySupport
import OrderFulfillment

extension OrderFulfillmentAdapters.InMemory {
    struct State: Sendable {
        var ids = SequentialIDs()
        var available: [String: Int] = [:]
        var paymentLimits: [String: Int64] = [:]
        var captured: [String: Int64] = [:]
        var reservations: [String: Undoable<InventoryReservation>] = [:]
        var payments: [String: Undoable<PaymentReceipt>] = [:]
        var deliveries: [String: Undoable<DeliveryBooking>] = [:]
        var notifications: [String] = []
    }
}

/// Marks the record `id` undone and returns it.
///
/// - Throws: `notFound` for an unknown id, `alreadyUndone` when it was undone before.
func undo<Value>(_ records: inout [String: Undoable<Value>], _ id: String, _ what: String) throws(OrderFulfillmentError) -> Value {
    try records.undo(
        id,
        notFound: { OrderFulfillmentError(.notFound, "no \(what) '\(id)'") },
        alreadyUndone: { OrderFulfillmentError(.alreadyUndone, "\(what) '\(id)' was already undone") }
    )
}
