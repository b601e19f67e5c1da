import BatonContractTesting
import SupplyChainOperations

extension SupplyChainOperationsContract {
    static let stockChecks: [Check] = [
        check("stock: levels per warehouse; available is on hand minus reserved") { backend in
            try await backend.seeding.setStock(sku: "WIDGET", warehouseID: "WH-B", onHand: 5, reserved: 0)
            try await backend.seeding.setStock(sku: "WIDGET", warehouseID: "WH-A", onHand: 10, reserved: 3)
            let levels = try await backend.services.stock.stockLevels(sku: "WIDGET").sorted { $0.warehouseID < $1.warehouseID }
            try requireEqual(levels.map(\.warehouseID), ["WH-A", "WH-B"], "warehouses")
            try requireEqual(levels.map(\.available), [7, 5], "available")
            try requireEqual(try await backend.services.stock.stockLevels(sku: "UNKNOWN").count, 0, "unknown sku has no levels")
        },
        check("stock: a restock adds to on hand once per key; its reversal takes it back once") { backend in
            try await backend.seeding.setStock(sku: "WIDGET", warehouseID: "WH-A", onHand: 1, reserved: 0)
            let stock = backend.services.stock
            let request = StockMovementRequest(
                kind: .restock, warehouseID: "WH-A", lines: [ItemQuantity(sku: "WIDGET", quantity: 2), ItemQuantity(sku: "GADGET", quantity: 5)], reason: "RMA-1")
            let movement = try await stock.recordMovement(request, idempotencyKey: "mv-1")
            try requireEqual(try await stock.recordMovement(request, idempotencyKey: "mv-1"), movement, "repeated restock")
            try requireEqual(try await available(backend, "WIDGET", "WH-A"), 3, "after restock")
            try requireEqual(try await available(backend, "GADGET", "WH-A"), 5, "second line after restock")
            let reversed = try await stock.reverseMovement(id: movement.id, idempotencyKey: "mv-1/compensate")
            try require(reversed.reversed, "reversal is marked")
            _ = try await stock.reverseMovement(id: movement.id, idempotencyKey: "mv-1/compensate")
            _ = try await stock.reverseMovement(id: movement.id, idempotencyKey: "mv-1/again")
            try requireEqual(try await available(backend, "WIDGET", "WH-A"), 1, "after reversal")
            try requireEqual(try await available(backend, "GADGET", "WH-A"), 0, "second line after reversal")
        },
        check("stock: a reversal that cannot cover every line is refused and changes nothing") { backend in
            try await backend.seeding.setStock(sku: "WIDGET", warehouseID: "WH-A", onHand: 0, reserved: 0)
            try await backend.seeding.setStock(sku: "WIDGET", warehouseID: "WH-B", onHand: 0, reserved: 0)
            let request = StockMovementRequest(
                kind: .restock, warehouseID: "WH-A", lines: [ItemQuantity(sku: "GADGET", quantity: 1), ItemQuantity(sku: "WIDGET", quantity: 2)], reason: "RMA-1")
            let movement = try await backend.services.stock.recordMovement(request, idempotencyKey: "mv-1")
            _ = try await backend.services.transfers.transfer(
                TransferRequest(sku: "WIDGET", fromWarehouseID: "WH-A", toWarehouseID: "WH-B", quantity: 1), idempotencyKey: "t-1")
            try await requireRefusal(.insufficientStock, "one of two restocked widgets left") {
                _ = try await backend.services.stock.reverseMovement(id: movement.id, idempotencyKey: "mv-1/compensate")
            }
            try requireEqual(try await available(backend, "GADGET", "WH-A"), 1, "first line unchanged")
            try requireEqual(try await available(backend, "WIDGET", "WH-A"), 1, "second line unchanged")
        },
        check("stock: a scrap leaves on hand unchanged") { backend in
            try await backend.seeding.setStock(sku: "WIDGET", warehouseID: "WH-A", onHand: 4, reserved: 0)
            let request = StockMovementRequest(kind: .scrap, warehouseID: "WH-A", lines: [ItemQuantity(sku: "WIDGET", quantity: 2)], reason: "RMA-1")
            let movement = try await backend.services.stock.recordMovement(request, idempotencyKey: "mv-1")
            try requireEqual(movement.request.kind, .scrap, "kind")
            try requireEqual(try await available(backend, "WIDGET", "WH-A"), 4, "after scrap")
        },
        check("stock: unknown warehouses and movements are not found") { backend in
            let request = StockMovementRequest(kind: .restock, warehouseID: "WH-missing", lines: [ItemQuantity(sku: "WIDGET", quantity: 1)], reason: "r")
            try await requireRefusal(.notFound, "movement into an unknown warehouse") {
                _ = try await backend.services.stock.recordMovement(request, idempotencyKey: "mv-1")
            }
            try await requireRefusal(.notFound, "reverse an unknown movement") {
                _ = try await backend.services.stock.reverseMovement(id: "MV-missing", idempotencyKey: "k")
            }
        },
    ]

    static let transferChecks: [Check] = [
        check("transfers: stock moves once per key") { backend in
            try await backend.seeding.setStock(sku: "WIDGET", warehouseID: "WH-A", onHand: 10, reserved: 0)
            try await backend.seeding.setStock(sku: "WIDGET", warehouseID: "WH-B", onHand: 0, reserved: 0)
            let request = TransferRequest(sku: "WIDGET", fromWarehouseID: "WH-A", toWarehouseID: "WH-B", quantity: 4)
            let receipt = try await backend.services.transfers.transfer(request, idempotencyKey: "t-1")
            try requireEqual(try await backend.services.transfers.transfer(request, idempotencyKey: "t-1"), receipt, "repeated transfer")
            try requireEqual(try await available(backend, "WIDGET", "WH-A"), 6, "source")
            try requireEqual(try await available(backend, "WIDGET", "WH-B"), 4, "destination")
        },
        check("transfers: more than the available stock is refused and nothing moves") { backend in
            try await backend.seeding.setStock(sku: "WIDGET", warehouseID: "WH-A", onHand: 10, reserved: 7)
            try await backend.seeding.setStock(sku: "WIDGET", warehouseID: "WH-B", onHand: 0, reserved: 0)
            let request = TransferRequest(sku: "WIDGET", fromWarehouseID: "WH-A", toWarehouseID: "WH-B", quantity: 4)
            try await requireRefusal(.insufficientStock, "reserved stock is not available") {
                _ = try await backend.services.transfers.transfer(request, idempotencyKey: "t-1")
            }
            try requireEqual(try await available(backend, "WIDGET", "WH-A"), 3, "source unchanged")
            try requireEqual(try await available(backend, "WIDGET", "WH-B"), 0, "destination unchanged")
        },
        check("transfers: unknown warehouses and transfers are not found") { backend in
            try await backend.seeding.setStock(sku: "WIDGET", warehouseID: "WH-A", onHand: 10, reserved: 0)
            let request = TransferRequest(sku: "WIDGET", fromWarehouseID: "WH-A", toWarehouseID: "WH-missing", quantity: 1)
            try await requireRefusal(.notFound, "unknown destination") { _ = try await backend.services.transfers.transfer(request, idempotencyKey: "t-1") }
            try await requireRefusal(.notFound, "reverse an unknown transfer") {
                _ = try await backend.services.transfers.reverseTransfer(id: "TR-missing", idempotencyKey: "k")
            }
            try requireEqual(try await available(backend, "WIDGET", "WH-A"), 10, "source unchanged")
        },
        check("transfers: a reversal moves the stock back, once") { backend in
            try await backend.seeding.setStock(sku: "WIDGET", warehouseID: "WH-A", onHand: 10, reserved: 0)
            try await backend.seeding.setStock(sku: "WIDGET", warehouseID: "WH-B", onHand: 1, reserved: 0)
            let transfers = backend.services.transfers
            let receipt = try await transfers.transfer(TransferRequest(sku: "WIDGET", fromWarehouseID: "WH-A", toWarehouseID: "WH-B", quantity: 4), idempotencyKey: "t-1")
            let reversed = try await transfers.reverseTransfer(id: receipt.transferID, idempotencyKey: "t-1/reverse")
            try require(reversed.reversed, "reversal is marked")
            try requireEqual(try await transfers.reverseTransfer(id: receipt.transferID, idempotencyKey: "t-1/reverse"), reversed, "repeated reversal")
            _ = try await transfers.reverseTransfer(id: receipt.transferID, idempotencyKey: "t-1/other")
            try requireEqual(try await available(backend, "WIDGET", "WH-A"), 10, "source restored")
            try requireEqual(try await available(backend, "WIDGET", "WH-B"), 1, "destination restored")
        },
        check("transfers: a reversal the destination can no longer cover is refused and moves nothing") { backend in
            try await backend.seeding.setStock(sku: "WIDGET", warehouseID: "WH-A", onHand: 10, reserved: 0)
            try await backend.seeding.setStock(sku: "WIDGET", warehouseID: "WH-B", onHand: 0, reserved: 0)
            try await backend.seeding.setStock(sku: "WIDGET", warehouseID: "WH-C", onHand: 0, reserved: 0)
            let transfers = backend.services.transfers
            let receipt = try await transfers.transfer(TransferRequest(sku: "WIDGET", fromWarehouseID: "WH-A", toWarehouseID: "WH-B", quantity: 4), idempotencyKey: "t-1")
            _ = try await transfers.transfer(TransferRequest(sku: "WIDGET", fromWarehouseID: "WH-B", toWarehouseID: "WH-C", quantity: 3), idempotencyKey: "t-2")
            try await requireRefusal(.insufficientStock, "reverse with 1 of 4 left at the destination") {
                _ = try await transfers.reverseTransfer(id: receipt.transferID, idempotencyKey: "t-1/reverse")
            }
            try requireEqual(try await available(backend, "WIDGET", "WH-A"), 6, "source unchanged")
            try requireEqual(try await available(backend, "WIDGET", "WH-B"), 1, "destination unchanged")
        },
    ]
}
