import BatonAtomicAPI
import BatonReferenceServicesTesting
import BatonRPC
import BatonReferenceServices
import OrderFulfillment
import OrderFulfillmentRPC
import Testing

/// The reference services' own promises: fault and latency injection, health per service,
/// reflection, and how the adapter reads their statuses.
@Suite("Reference atomic services over 127.0.0.1")
struct ReferenceServicesTests {
    static func charge(_ key: String) -> Baton_Atomic_Payment_V1_ChargeRequest {
        var request = Baton_Atomic_Payment_V1_ChargeRequest()
        request.orderID = "o-1"
        request.customerID = "c-1"
        request.amountMinor = 100
        request.idempotencyKey = key
        return request
    }

    @Test("x-baton-fault fails one call with its code and no effect")
    func metadataFault() async throws {
        let services = try await RunningReferenceServices.started()
        let client = RPCClient(host: "127.0.0.1", port: services.port)
        let payments = Baton_Atomic_Payment_V1_PaymentServiceClient(client)
        let error = await #expect(throws: RPCError.self) {
            _ = try await payments.charge(Self.charge("k-1"), options: CallOptions(metadata: [AtomicMetadata.fault: .string("UNAVAILABLE")]))
        }
        #expect(error?.code == .unavailable)
        #expect(services.references.orders.capturedMinor(customerID: "c-1") == 0)
        _ = try await payments.charge(Self.charge("k-1"))
        #expect(services.references.orders.capturedMinor(customerID: "c-1") == 100)
        await client.close()
        await services.stop()
    }

    @Test("FailNext makes the next charge a declined payment, read by the adapter as PAYMENT_DECLINED")
    func adminFailNext() async throws {
        let services = try await RunningReferenceServices.started()
        let client = RPCClient(host: "127.0.0.1", port: services.port)
        var request = Baton_Atomic_Faults_V1_FailNextRequest()
        request.method = "baton.atomic.payment.v1.PaymentService/Charge"
        request.count = 1
        request.code = "PAYMENT_DECLINED"
        _ = try await Baton_Atomic_Faults_V1_FaultInjectionServiceClient(client).failNext(request)
        let adapter = services.adapter()
        let error = await #expect(throws: OrderFulfillmentError.self) {
            _ = try await adapter.charge(orderID: "o-1", customerID: "c-1", amountMinor: 100, paymentMethodToken: "t", idempotencyKey: "k-1")
        }
        #expect(error?.code == .paymentDeclined)
        _ = try await adapter.charge(orderID: "o-1", customerID: "c-1", amountMinor: 100, paymentMethodToken: "t", idempotencyKey: "k-1")
        #expect(services.references.orders.capturedMinor(customerID: "c-1") == 100)
        request.method = "GetStock"
        await #expect(throws: RPCError.self) { _ = try await Baton_Atomic_Faults_V1_FaultInjectionServiceClient(client).failNext(request) }
        await adapter.close()
        await client.close()
        await services.stop()
    }

    @Test("a call slower than the adapter's deadline is a retryable DEADLINE_EXCEEDED")
    func deadline() async throws {
        let services = try await RunningReferenceServices.started()
        let adapter = OrderFulfillmentAdapters.rpc(endpoints: [services.endpoint], configuration: .defaults { $0.timeout = .milliseconds(100) })
        try services.references.addLatency(.milliseconds(400), to: "Charge", calls: 1)
        let error = await #expect(throws: OrderFulfillmentError.self) {
            _ = try await adapter.charge(orderID: "o-1", customerID: "c-1", amountMinor: 100, paymentMethodToken: "t", idempotencyKey: "k-1")
        }
        #expect(error?.code == .timeout)
        #expect(error?.code.stepCode == .deadlineExceeded)
        await adapter.close()
        await services.stop()
    }

    @Test("a stopped service is a retryable UNAVAILABLE")
    func stopped() async throws {
        let services = try await RunningReferenceServices.started()
        let adapter = services.adapter()
        await services.stop()
        let error = await #expect(throws: OrderFulfillmentError.self) {
            try await adapter.release(reservationID: "res-1", idempotencyKey: "k-1")
        }
        #expect(error?.code == .unavailable)
        await adapter.close()
    }

    @Test("health answers SERVING for each atomic service; reflection lists them")
    func healthAndReflection() async throws {
        let services = try await RunningReferenceServices.started()
        let client = RPCClient(host: "127.0.0.1", port: services.port)
        for name in ReferenceServices.serviceNames {
            var request = Grpc_Health_V1_HealthCheckRequest()
            request.service = name
            #expect(try await Grpc_Health_V1_HealthClient(client).check(request).status == .serving, "\(name)")
        }
        let listed = try await Grpc_Reflection_V1_ServerReflectionClient(client).serverReflectionInfo { requests, responses in
            var request = Grpc_Reflection_V1_ServerReflectionRequest()
            request.messageRequest = .listServices("*")
            try await requests.write(request)
            requests.finish()
            var names: [String] = []
            for try await response in responses {
                if case .listServicesResponse(let list)? = response.messageResponse { names += list.service.map(\.name) }
            }
            return names
        }
        for name in ReferenceServices.serviceNames { #expect(listed.contains(name), "\(name)") }
        await client.close()
        await services.stop()
    }

    @Test("failure rules parse METHOD=COUNT:CODE[:after-effect]")
    func failureRules() {
        #expect(ReferenceServices.FailureRule(parsing: "Charge=2:UNAVAILABLE") == .init(method: "Charge", count: 2, code: "UNAVAILABLE"))
        #expect(ReferenceServices.FailureRule(parsing: "Charge=1:UNAVAILABLE:after-effect")?.afterEffect == true)
        #expect(ReferenceServices.FailureRule(parsing: "Charge=0:UNAVAILABLE") == nil)
        #expect(ReferenceServices.FailureRule(parsing: "Charge") == nil)
        #expect(throws: ReferenceServicesError.self) {
            _ = try ReferenceServices(configuration: .defaults { $0.failures = [.init(method: "Charge", count: 1, code: "NOPE")] })
        }
    }
}
