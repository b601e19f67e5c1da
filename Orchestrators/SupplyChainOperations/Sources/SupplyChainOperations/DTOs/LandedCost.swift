/// One line of a goods receipt that landed costs are spread over.
public struct ReceiptLine: Sendable, Codable, Hashable {
    public var sku: String
    public var quantity: Int64
    /// The line's purchase value in minor units.
    public var valueMinor: Int64
    /// The line's total weight in grams.
    public var weightGrams: Int64

    public init(sku: String, quantity: Int64, valueMinor: Int64, weightGrams: Int64) {
        self.sku = sku
        self.quantity = quantity
        self.valueMinor = valueMinor
        self.weightGrams = weightGrams
    }
}

/// How a charge is spread over receipt lines: in proportion to their value, weight or quantity.
public enum AllocationBasis: String, Sendable, Codable, Hashable, CaseIterable {
    case value = "VALUE"
    case weight = "WEIGHT"
    case quantity = "QUANTITY"
}

/// A cost of getting goods to the warehouse, to be capitalised into their valuation.
public struct LandedCharge: Sendable, Codable, Hashable {
    public enum Kind: String, Sendable, Codable, Hashable {
        case freight = "FREIGHT"
        case duty = "DUTY"
        case insurance = "INSURANCE"
    }

    public var kind: Kind
    public var amountMinor: Int64
    public var basis: AllocationBasis

    public init(kind: Kind, amountMinor: Int64, basis: AllocationBasis) {
        self.kind = kind
        self.amountMinor = amountMinor
        self.basis = basis
    }
}

/// A landed-cost run: a receipt's lines and the charges to spread over them.
public struct LandedCostRequest: Sendable, Codable, Hashable {
    public var receiptID: String
    public var lines: [ReceiptLine]
    public var charges: [LandedCharge]

    public init(receiptID: String, lines: [ReceiptLine], charges: [LandedCharge]) {
        self.receiptID = receiptID
        self.lines = lines
        self.charges = charges
    }
}

/// One charge spread over the receipt's lines: `amountsMinor[i]` belongs to line `i`, and the
/// amounts add up to the charge exactly.
public struct ChargeAllocation: Sendable, Codable, Hashable {
    public var charge: LandedCharge
    public var amountsMinor: [Int64]

    public init(charge: LandedCharge, amountsMinor: [Int64]) {
        self.charge = charge
        self.amountsMinor = amountsMinor
    }
}

/// A charge's allocation as posted to the inventory valuation.
public struct ValuationPosting: Sendable, Codable, Hashable {
    public var receiptID: String
    public var allocation: ChargeAllocation
    public var lines: [ReceiptLine]

    public init(receiptID: String, allocation: ChargeAllocation, lines: [ReceiptLine]) {
        self.receiptID = receiptID
        self.allocation = allocation
        self.lines = lines
    }
}

/// A posted valuation entry.
public struct ValuationEntry: Sendable, Codable, Hashable {
    public var id: String
    public var posting: ValuationPosting
    public var reversed: Bool

    public init(id: String, posting: ValuationPosting, reversed: Bool) {
        self.id = id
        self.posting = posting
        self.reversed = reversed
    }
}

/// The answer of the landed-cost coordinator.
public struct LandedCostResult: Sendable, Codable, Hashable {
    public var receiptID: String
    /// One allocation per charge, in request order.
    public var allocations: [ChargeAllocation]
    /// Per line: its value plus every charge allocated to it.
    public var landedValuesMinor: [Int64]
    /// The valuation entries posted, one per charge.
    public var entries: [ValuationEntry]

    public init(receiptID: String, allocations: [ChargeAllocation], landedValuesMinor: [Int64], entries: [ValuationEntry]) {
        self.receiptID = receiptID
        self.allocations = allocations
        self.landedValuesMinor = landedValuesMinor
        self.entries = entries
    }
}
