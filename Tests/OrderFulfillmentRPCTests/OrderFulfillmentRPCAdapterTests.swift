import BatonAtomicAPI
import BatonRPC
import OrderFulfillment
import OrderFulfillmentRPC
import Synchronization
import Testing

/// What the RPC adapter puts on the wire, seen by a payment service that records its calls.
@Suite("OrderFulfillment RPC adapter on the wire")
struct OrderFulfillmentRPCAdapterTests {
    /// A payment service that records each call's metadata and deadline, and answers Refund
    /// with NOT_FOUND.
    final class RecordingPayments: Baton_Atomic_Payment_V1_PaymentServiceHandler {
        struct Call: Sendable {
            var method: String
            var idempotencyKey: String
            var correlationID: String?
            var hasDeadline: Bool
        }
        let calls = Mutex<[Call]>([])

        func record(_ context: ServerContext, _ key: String) {
            let call = Call(
                method: context.method.method, idempotencyKey: key,
                correlationID: context.requestMetadata[string: AtomicMetadata.correlationID], hasDeadline: context.deadline != nil)
            calls.withLock { $0.append(call) }
        }

        func charge(_ request: Baton_Atomic_Payment_V1_ChargeRequest, context: ServerContext) async throws -> Baton_Atomic_Payment_V1_Payment {
            record(context, request.idempotencyKey)
            var payment = Baton_Atomic_Payment_V1_Payment()
            payment.paymentID = "pay-9"
            payment.orderID = request.orderID
            payment.customerID = request.customerID
            payment.amountMinor = request.amountMinor
            return payment
        }

        func refund(_ request: Baton_Atomic_Payment_V1_RefundRequest, context: ServerContext) async throws -> Baton_Atomic_Payment_V1_RefundReceipt {
            record(context, request.idempotencyKey)
            throw RPCError(code: .notFound, message: "no payment '\(request.paymentID)'")
        }

        func setCustomerLimit(_ request: Baton_Atomic_Payment_V1_SetCustomerLimitRequest, context: ServerContext) async throws
            -> Baton_Atomic_Payment_V1_SetCustomerLimitResponse
        { .init() }

        func getCustomerAccount(_ request: Baton_Atomic_Payment_V1_GetCustomerAccountRequest, context: ServerContext) async throws
            -> Baton_Atomic_Payment_V1_CustomerAccount
        { .init() }
    }

    @Test("every call carries the idempotency key, a grpc-timeout and the order id as x-correlation-id (undo calls too)")
    func callMetadata() async throws {
        let payments = RecordingPayments()
        let server = RPCServer(services: [payments])
        let running = Task { try await server.run() }
        let port = try #require(try await server.listeningAddress.port)
        let adapter = OrderFulfillmentAdapters.rpc(endpoints: [.init(host: "127.0.0.1", port: port)])
        let receipt = try await adapter.charge(orderID: "o-7", customerID: "c-1", amountMinor: 100, paymentMethodToken: "t", idempotencyKey: "k-charge")
        let error = await #expect(throws: OrderFulfillmentError.self) {
            _ = try await adapter.refund(paymentID: receipt.paymentID, idempotencyKey: "k-refund")
        }
        #expect(error?.code == .notFound)
        await adapter.close()
        server.beginGracefulShutdown()
        try await running.value
        let calls = payments.calls.withLock { $0 }
        #expect(calls.map(\.method) == ["Charge", "Refund"])
        #expect(calls.map(\.idempotencyKey) == ["k-charge", "k-refund"])
        #expect(calls.map(\.correlationID) == ["o-7", "o-7"])
        #expect(calls.allSatisfy { $0.hasDeadline })
    }

    @Test("statuses map to OrderFulfillmentError and back, refusals by their baton-error-reason")
    func statusMapping() {
        let cases: [(OrderFulfillmentError.Code, RPCError.Code)] = [
            (.insufficientStock, .failedPrecondition), (.paymentDeclined, .failedPrecondition), (.alreadyUndone, .failedPrecondition),
            (.notFound, .notFound), (.invalidArgument, .invalidArgument), (.unavailable, .unavailable), (.timeout, .deadlineExceeded),
        ]
        for (code, status) in cases {
            let wire = OrderFulfillmentError(code, "m").rpcError
            #expect(wire.code == status, "\(code)")
            #expect(OrderFulfillmentError(wire).code == code, "\(code)")
        }
        let unexplained = OrderFulfillmentError(RPCError(code: .failedPrecondition, message: "no reason"))
        #expect(unexplained.code.stepCode == .failedPrecondition)
        let exhausted = OrderFulfillmentError(RPCError(code: .resourceExhausted, message: "busy"))
        #expect(exhausted.code.stepCode == .resourceExhausted)
    }
}
