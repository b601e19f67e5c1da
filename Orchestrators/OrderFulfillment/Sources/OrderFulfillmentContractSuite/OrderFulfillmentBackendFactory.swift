import OrderFulfillment

/// One fresh set of OrderFulfillment services, with the seeding and inspection hooks the
/// contract checks need. An RPC adapter's backend implements the hooks against the remote
/// services' own admin or read APIs.
public protocol OrderFulfillmentTestBackend: Sendable {
    /// The contract implementations under test.
    var services: OrderFulfillmentServices { get }
    /// Makes `quantity` units of `sku` available (creating the product).
    func stock(sku: String, quantity: Int) async throws
    /// Declines charges that would bring the customer's captured total above `limitMinor`.
    func setPaymentLimit(customerID: String, limitMinor: Int64) async throws
    /// Units of `sku` not held by a reservation.
    func available(sku: String) async throws -> Int
    /// What the customer has been charged, net of refunds.
    func capturedMinor(customerID: String) async throws -> Int64
    /// Deliveries of the order that are booked and not cancelled.
    func activeDeliveryCount(orderID: String) async throws -> Int
    /// Confirmations sent for the order.
    func notificationCount(orderID: String) async throws -> Int
}

/// Makes a fresh, empty backend for each contract check.
public protocol OrderFulfillmentBackendFactory: Sendable {
    func makeBackend() async throws -> any OrderFulfillmentTestBackend
}
