import BatonInMemorySupport
import SupplyChainOperations

extension SupplyChainOperationsAdapters {
    /// An in-memory backend that behaves like the real sales, procurement, inventory, warehouse,
    /// receivables, returns, analytics and costing services: stock runs out, unknown ids are
    /// `notFound`, idempotency keys are honoured (a call repeated with a key already used for
    /// that operation answers the first result and has no second effect, compensations
    /// included), and faults can be injected per operation.
    ///
    /// Seed it with ``addVendor(_:)``, ``addWarehouse(_:)``, ``setStock(sku:warehouseID:onHand:reserved:)``
    /// and ``setSalesHistory(sku:warehouseID:demand:)``; inspect it with ``journal`` and the
    /// read-only collections.
    public final class InMemory: Sendable {
        /// A contract operation, by name, for fault injection and the journal.
        public struct Operation: Sendable, Hashable, CustomStringConvertible {
            public let name: String
            public init(_ name: String) { self.name = name }
            public var description: String { name }

            public static let createSalesOrder = Operation("createSalesOrder")
            public static let cancelSalesOrder = Operation("cancelSalesOrder")
            public static let salesOrder = Operation("salesOrder")
            public static let createPurchaseOrder = Operation("createPurchaseOrder")
            public static let cancelPurchaseOrder = Operation("cancelPurchaseOrder")
            public static let purchaseOrder = Operation("purchaseOrder")
            public static let openPurchaseOrders = Operation("openPurchaseOrders")
            public static let stockLevels = Operation("stockLevels")
            public static let recordMovement = Operation("recordMovement")
            public static let reverseMovement = Operation("reverseMovement")
            public static let transfer = Operation("transfer")
            public static let reverseTransfer = Operation("reverseTransfer")
            public static let issueInvoice = Operation("issueInvoice")
            public static let issueCreditNote = Operation("issueCreditNote")
            public static let authorizeReturn = Operation("authorizeReturn")
            public static let cancelReturn = Operation("cancelReturn")
            public static let recordInspection = Operation("recordInspection")
            public static let returnAuthorization = Operation("returnAuthorization")
            public static let demand = Operation("demand")
            public static let postValuation = Operation("postValuation")
            public static let reverseValuation = Operation("reverseValuation")
        }

        struct StockKey: Hashable {
            var sku: String
            var warehouseID: String
        }

        struct State: Sendable {
            var counters: [String: Int] = [:]
            var vendors: Set<String> = []
            var warehouses: Set<String> = []
            var stock: [StockKey: StockLevel] = [:]
            var history: [StockKey: [Int64]] = [:]
            var salesOrders: [String: SalesOrder] = [:]
            var purchaseOrders: [String: PurchaseOrder] = [:]
            var movements: [String: StockMovement] = [:]
            var transfers: [String: TransferReceipt] = [:]
            var invoices: [String: Invoice] = [:]
            var creditNotes: [String: CreditNote] = [:]
            var returns: [String: ReturnAuthorization] = [:]
            var valuation: [String: ValuationEntry] = [:]
            // Indexes, so that a query by SKU does not scan every record (purchase orders grow
            // with every call).
            /// The warehouses holding a stock level of each SKU.
            var warehouseIDsBySKU: [String: Set<String>] = [:]
            /// The purchase orders with a line of each SKU (their lines never change).
            var purchaseOrderIDsBySKU: [String: Set<String>] = [:]

            /// Stores `level` as its SKU's stock in its warehouse.
            mutating func setStock(_ level: StockLevel) {
                stock[StockKey(sku: level.sku, warehouseID: level.warehouseID)] = level
                warehouseIDsBySKU[level.sku, default: []].insert(level.warehouseID)
            }

            /// The next id with `prefix`: `SO-1`, `SO-2`, … (ids sort in creation order per prefix).
            mutating func nextID(_ prefix: String) -> String {
                counters[prefix, default: 0] += 1
                let number = String(counters[prefix]!)
                return "\(prefix)-" + String(repeating: "0", count: max(0, 6 - number.count)) + number
            }

            /// The stored entity under `id`, or `notFound` naming `what`.
            func existing<Entity>(_ table: [String: Entity], _ id: String, _ what: String) throws(SupplyChainError) -> Entity {
                guard let entity = table[id] else { throw SupplyChainError(.notFound, "\(what) '\(id)' not found") }
                return entity
            }

            /// Stores a new entity under the next id with `prefix` and answers it.
            mutating func insert<Entity>(
                _ table: WritableKeyPath<State, [String: Entity]>,
                prefix: String,
                _ make: (String) -> Entity
            ) -> Entity {
                let id = nextID(prefix)
                let entity = make(id)
                self[keyPath: table][id] = entity
                return entity
            }

            /// Changes the stored entity under `id` in place and answers it; `notFound` naming `what`.
            mutating func update<Entity>(
                _ table: WritableKeyPath<State, [String: Entity]>,
                _ id: String,
                _ what: String,
                _ change: (inout Entity) throws(SupplyChainError) -> Void
            ) throws(SupplyChainError) -> Entity {
                var entity = try existing(self[keyPath: table], id, what)
                try change(&entity)
                self[keyPath: table][id] = entity
                return entity
            }

            func requireWarehouse(_ id: String) throws(SupplyChainError) {
                guard warehouses.contains(id) else { throw SupplyChainError(.notFound, "warehouse '\(id)' not found") }
            }

            /// One change of on-hand stock.
            struct StockChange {
                var sku: String
                var warehouseID: String
                var delta: Int64
            }

            /// Adds each change's `delta` to the on-hand stock, all or nothing: refused, changing
            /// nothing, when a decrease needs more than is available (changes to one SKU in one
            /// warehouse add up in order).
            mutating func adjustOnHand(_ changes: [StockChange]) throws(SupplyChainError) {
                var levels: [StockKey: StockLevel] = [:]
                for change in changes {
                    let key = StockKey(sku: change.sku, warehouseID: change.warehouseID)
                    var level = levels[key] ?? stock[key] ?? StockLevel(sku: change.sku, warehouseID: change.warehouseID, onHand: 0, reserved: 0)
                    guard level.available + change.delta >= 0 else {
                        throw SupplyChainError(
                            .insufficientStock,
                            "\(change.warehouseID) has \(level.available) of \(change.sku) available, \(-change.delta) needed"
                        )
                    }
                    level.onHand += change.delta
                    levels[key] = level
                }
                for level in levels.values { setStock(level) }
            }
        }

        let store = InMemoryStore<State, Operation, SupplyChainError>(State()) { SupplyChainError(.invalidArgument, $0) }

        init() {}

        /// The services bundle with this backend in every role.
        public var services: SupplyChainOperationsServices {
            SupplyChainOperationsServices(
                salesOrders: self, purchaseOrders: self, stock: self, transfers: self,
                receivables: self, returns: self, salesHistory: self, valuation: self
            )
        }

        // MARK: Fault injection

        /// Makes `times` calls of `operation` fail with `code`, starting after the next `after`
        /// calls (which succeed or fail on their own merits). The failing calls change nothing,
        /// unless `losingResponse`: then a mutating call takes effect and only its answer is lost,
        /// as when a connection drops after the service committed.
        public func failNext(
            _ operation: Operation,
            times: Int = 1,
            with code: SupplyChainError.Code = .unavailable,
            after: Int = 0,
            losingResponse: Bool = false
        ) {
            let failure = SupplyChainError(code, losingResponse ? "injected loss of the answer of \(operation)" : "injected failure of \(operation)")
            store.failNext(operation, times: times, with: failure, after: after, afterEffect: losingResponse)
        }

        /// Delays the next `calls` calls of `operation` by `latency` (nil removes the delay).
        public func setLatency(_ latency: Duration?, for operation: Operation, calls: Int = .max) {
            store.setLatency(latency, for: operation, calls: calls)
        }

        /// Calls received by `operation`, failed and repeated ones included.
        public func calls(of operation: Operation) -> Int {
            store.calls(of: operation)
        }

        /// Effects `operation` had: repeated calls under a known idempotency key do not count.
        public func effects(of operation: Operation) -> Int {
            store.effects(of: operation)
        }

        // MARK: Seeding

        public func addVendor(_ id: String) {
            _ = store.withLock { $0.vendors.insert(id) }
        }

        public func addWarehouse(_ id: String) {
            _ = store.withLock { $0.warehouses.insert(id) }
        }

        /// Sets the stock of `sku` in `warehouseID` (registering the warehouse).
        public func setStock(sku: String, warehouseID: String, onHand: Int64, reserved: Int64 = 0) {
            store.withLock { state in
                state.warehouses.insert(warehouseID)
                state.setStock(StockLevel(sku: sku, warehouseID: warehouseID, onHand: onHand, reserved: reserved))
            }
        }

        /// Sets the demand history of `sku` from `warehouseID`, oldest period first.
        public func setSalesHistory(sku: String, warehouseID: String, demand: [Int64]) {
            store.withLock { $0.history[StockKey(sku: sku, warehouseID: warehouseID)] = demand }
        }

        // MARK: Inspection (read-only, for tests and demos)

        /// The mutating operations that took effect, in order (idempotent repeats and refusals excluded).
        public var journal: [Operation] { store.journal }

        public func stockLevel(sku: String, warehouseID: String) -> StockLevel? {
            store.withLock { $0.stock[StockKey(sku: sku, warehouseID: warehouseID)] }
        }

        public var salesOrders: [SalesOrder] { store.withLock { $0.salesOrders.values.sorted { $0.id < $1.id } } }
        public var purchaseOrders: [PurchaseOrder] { store.withLock { $0.purchaseOrders.values.sorted { $0.id < $1.id } } }
        public var movements: [StockMovement] { store.withLock { $0.movements.values.sorted { $0.id < $1.id } } }
        public var transfers: [TransferReceipt] { store.withLock { $0.transfers.values.sorted { $0.transferID < $1.transferID } } }
        public var invoices: [Invoice] { store.withLock { $0.invoices.values.sorted { $0.id < $1.id } } }
        public var creditNotes: [CreditNote] { store.withLock { $0.creditNotes.values.sorted { $0.id < $1.id } } }
        public var returnAuthorizations: [ReturnAuthorization] { store.withLock { $0.returns.values.sorted { $0.id < $1.id } } }
        public var valuationEntries: [ValuationEntry] { store.withLock { $0.valuation.values.sorted { $0.id < $1.id } } }
    }
}
