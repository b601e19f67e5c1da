/// Stock expected on a day (an open purchase order line).
public struct IncomingSupply: Sendable, Codable, Hashable {
    public var day: CalendarDay
    public var quantity: Int64

    public init(day: CalendarDay, quantity: Int64) {
        self.day = day
        self.quantity = quantity
    }
}

/// One day of a time-phased ATP answer.
public struct AvailableToPromiseBucket: Sendable, Codable, Hashable {
    public var day: CalendarDay
    /// Supply arriving that day.
    public var incoming: Int64
    /// What can be promised for delivery on or after that day (cumulative).
    public var available: Int64

    public init(day: CalendarDay, incoming: Int64, available: Int64) {
        self.day = day
        self.incoming = incoming
        self.available = available
    }
}

/// A time-phased available-to-promise answer for one item: on hand − reserved today, plus the
/// open purchase orders on the days they are expected.
public struct AvailableToPromise: Sendable, Codable, Hashable {
    public var sku: String
    public var asOf: CalendarDay
    public var onHand: Int64
    public var reserved: Int64
    /// The first bucket is `asOf` (overdue supply included); later ones are the expected days, ascending.
    public var buckets: [AvailableToPromiseBucket]

    public init(sku: String, asOf: CalendarDay, onHand: Int64, reserved: Int64, buckets: [AvailableToPromiseBucket]) {
        self.sku = sku
        self.asOf = asOf
        self.onHand = onHand
        self.reserved = reserved
        self.buckets = buckets
    }

    /// What can be promised for delivery on `day` (0 before `asOf`).
    public func available(on day: CalendarDay) -> Int64 {
        buckets.last { $0.day <= day }?.available ?? 0
    }

    /// The first day `quantity` can be promised, or nil when even all known supply is not enough.
    public func earliestDay(for quantity: Int64) -> CalendarDay? {
        buckets.first { $0.available >= quantity }?.day
    }
}
