import BatonInMemorySupport
import OrderFulfillment

extension OrderFulfillmentAdapters {
    /// Inventory, payments, delivery and notifications in memory, behaving like the real
    /// services: stock runs out, charges past a customer's limit are declined, idempotency keys
    /// are honoured (compensations included), unknown ids are not found, and faults and latency
    /// can be injected per operation.
    public final class InMemory: Sendable {
        public struct Configuration: Sendable {
            /// The payment limit of customers without their own: a charge that would bring a
            /// customer's captured total above it is declined. `nil` means no limit.
            public var defaultPaymentLimitMinor: Int64?
            /// Waits out injected latency; tests pass one that sleeps on a manual clock.
            public var sleep: @Sendable (Duration) async throws -> Void

            public static let defaults = Configuration(defaultPaymentLimitMinor: nil, sleep: { try await Task.sleep(for: $0) })

            public static func defaults(_ configure: (inout Configuration) -> Void) -> Configuration {
                var configuration = Configuration.defaults
                configure(&configuration)
                return configuration
            }
        }

        /// The operations faults and latency can be injected into, and whose calls are counted.
        public struct Operation: Sendable, Hashable, CustomStringConvertible {
            public let name: String
            public init(_ name: String) { self.name = name }

            public static let reserve = Operation("inventory.reserve")
            public static let release = Operation("inventory.release")
            public static let charge = Operation("payments.charge")
            public static let refund = Operation("payments.refund")
            public static let schedule = Operation("delivery.schedule")
            public static let cancelDelivery = Operation("delivery.cancel")
            public static let notify = Operation("notifications.notify")

            public var description: String { name }
        }

        let configuration: Configuration
        let store: InMemoryStore<State, Operation, OrderFulfillmentError>

        init(configuration: Configuration) {
            self.configuration = configuration
            self.store = InMemoryStore(State(), sleep: configuration.sleep) { OrderFulfillmentError(.invalidArgument, $0) }
        }

        /// This backend as the bundle of contracts the orchestrator is built from.
        public var services: OrderFulfillmentServices {
            OrderFulfillmentServices(inventory: self, payments: self, delivery: self, notifications: self)
        }

        // MARK: Seeding

        /// Sets the stock available for `sku` (creating the product).
        public func stock(sku: String, quantity: Int) {
            store.withLock { $0.available[sku] = quantity }
        }

        /// Sets one customer's payment limit (see ``Configuration/defaultPaymentLimitMinor``).
        public func setPaymentLimit(customerID: String, limitMinor: Int64?) {
            store.withLock { $0.paymentLimits[customerID] = limitMinor }
        }

        // MARK: Fault injection

        /// Fails the next `count` calls of `operation` with `code`. With `afterEffect`, the call
        /// takes effect first and only its answer is lost (as when a reply times out).
        public func failNext(_ count: Int, of operation: Operation, with code: OrderFulfillmentError.Code, afterEffect: Bool = false) {
            store.failNext(operation, times: count, with: OrderFulfillmentError(code, "injected failure of \(operation)"), afterEffect: afterEffect)
        }

        /// Delays the next `calls` calls of `operation` by `duration` before they take effect.
        public func addLatency(_ duration: Duration, to operation: Operation, calls: Int = .max) {
            store.setLatency(duration, for: operation, calls: calls)
        }

        // MARK: Inspection

        /// The stock of `sku` not held by a reservation (0 for an unknown sku).
        public func available(sku: String) -> Int {
            store.withLock { $0.available[sku] ?? 0 }
        }

        /// What a customer has been charged, net of refunds.
        public func capturedMinor(customerID: String) -> Int64 {
            store.withLock { $0.captured[customerID] ?? 0 }
        }

        /// Reservations of an order that still hold stock.
        public func activeReservations(orderID: String) -> [InventoryReservation] {
            store.withLock { $0.reservations.values.filter { !$0.undone && $0.value.orderID == orderID }.map(\.value) }
        }

        /// Deliveries of an order that are booked and not cancelled.
        public func activeDeliveries(orderID: String) -> [DeliveryBooking] {
            store.withLock { $0.deliveries.values.filter { !$0.undone && $0.value.orderID == orderID }.map(\.value) }
        }

        /// Confirmations sent for an order.
        public func notificationsSent(orderID: String) -> Int {
            store.withLock { $0.notifications.filter { $0 == orderID }.count }
        }

        /// Calls received by `operation`, failed and repeated ones included.
        public func calls(of operation: Operation) -> Int {
            store.calls(of: operation)
        }

        /// Effects `operation` had: repeated calls under a known idempotency key do not count.
        public func effects(of operation: Operation) -> Int {
            store.effects(of: operation)
        }
    }
}
