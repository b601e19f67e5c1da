import BatonAtomicAPI
import BatonRPC
import OrderFulfillment
import OrderFulfillmentRPC

/// `baton.atomic.payment.v1.PaymentService` on the reference services' truth.
struct PaymentServiceHandler: Baton_Atomic_Payment_V1_PaymentServiceHandler {
    let host: ReferenceServices

    func charge(_ request: Baton_Atomic_Payment_V1_ChargeRequest, context: ServerContext) async throws -> Baton_Atomic_Payment_V1_Payment {
        try await host.serve(context, OrderFulfillmentError.self) {
            let receipt = try await host.orders.charge(
                orderID: request.orderID, customerID: request.customerID, amountMinor: request.amountMinor,
                paymentMethodToken: request.paymentMethodToken, idempotencyKey: request.idempotencyKey)
            return Baton_Atomic_Payment_V1_Payment(receipt)
        }
    }

    func refund(_ request: Baton_Atomic_Payment_V1_RefundRequest, context: ServerContext) async throws -> Baton_Atomic_Payment_V1_RefundReceipt {
        try await host.serve(context, OrderFulfillmentError.self) {
            Baton_Atomic_Payment_V1_RefundReceipt(try await host.orders.refund(paymentID: request.paymentID, idempotencyKey: request.idempotencyKey))
        }
    }

    func setCustomerLimit(_ request: Baton_Atomic_Payment_V1_SetCustomerLimitRequest, context: ServerContext) async throws
        -> Baton_Atomic_Payment_V1_SetCustomerLimitResponse
    {
        try await host.serve(context, OrderFulfillmentError.self) {
            guard !request.customerID.isEmpty else { throw OrderFulfillmentError(.invalidArgument, "SetCustomerLimit needs a customer id") }
            host.orders.setPaymentLimit(customerID: request.customerID, limitMinor: request.limitMinor)
            return Baton_Atomic_Payment_V1_SetCustomerLimitResponse()
        }
    }

    func getCustomerAccount(_ request: Baton_Atomic_Payment_V1_GetCustomerAccountRequest, context: ServerContext) async throws
        -> Baton_Atomic_Payment_V1_CustomerAccount
    {
        try await host.serve(context, OrderFulfillmentError.self) {
            var account = Baton_Atomic_Payment_V1_CustomerAccount()
            account.customerID = request.customerID
            account.capturedMinor = host.orders.capturedMinor(customerID: request.customerID)
            return account
        }
    }
}
