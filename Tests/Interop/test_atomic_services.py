"""grpcio (Python) → `baton services`: the reference atomic services speak plain gRPC (the
order, identity and supply-chain families).

Idempotency keys, business refusals as FAILED_PRECONDITION with a `baton-error-reason`
trailer, fault injection at start (`--fail`) and per call (`x-baton-fault`), health per
service name, `--log-level`, and a graceful exit 0 on SIGTERM.

Run: pytest Tests/Interop/test_atomic_services.py   (needs .build/debug/baton)
"""

from __future__ import annotations

import os
import subprocess

import grpc
import pytest

import interop_support as support

CALL_TIMEOUT = 10


@pytest.fixture(scope="module")
def atomic(api, pb):  # api: the atomic services' modules; pb: grpc's own health modules
    names = ("inventory", "payment", "atomic_identity", "tenant", "warehouse", "sales")
    modules = {f"{name}{suffix}": getattr(api, f"{name}{suffix}") for name in names for suffix in ("_pb2", "_pb2_grpc")}
    modules["health_pb2"], modules["health_pb2_grpc"] = pb.health_pb2, pb.health_pb2_grpc
    return type("Atomic", (), modules)


@pytest.fixture(scope="module")
def services(tmp_path_factory):
    if not os.access(support.BATON_BINARY, os.X_OK):
        pytest.skip(f"{support.BATON_BINARY} not built (swift build)")
    log_path = str(tmp_path_factory.mktemp("baton_services") / "services.log")
    server = support.BatonServerProcess(log_path, binary=support.BATON_BINARY, args=[
        support.BATON_BINARY, "services", "--host", "127.0.0.1", "--port", "0", "--fail", "Reserve=1:UNAVAILABLE"])
    yield server
    assert server.stop(timeout=15) == 0, server.log_tail()


@pytest.fixture(scope="module")
def channel(services):
    ch = support.make_channel(services.address)
    yield ch
    ch.close()


def trailing(error: grpc.RpcError) -> dict[str, str]:
    return dict(error.trailing_metadata() or ())


def test_reserve_honours_start_faults_idempotency_and_refuses_insufficient_stock(atomic, channel):
    stub = atomic.inventory_pb2_grpc.InventoryServiceStub(channel)
    stub.SetStock(atomic.inventory_pb2.SetStockRequest(sku="sku-a", quantity=3), timeout=CALL_TIMEOUT)
    request = atomic.inventory_pb2.ReserveRequest(
        order_id="o-1", lines=[atomic.inventory_pb2.ReservationLine(sku="sku-a", quantity=2, unit_price_minor=5)], idempotency_key="k-1"
    )
    with pytest.raises(grpc.RpcError) as injected:
        stub.Reserve(request, timeout=CALL_TIMEOUT)
    assert injected.value.code() == grpc.StatusCode.UNAVAILABLE
    first = stub.Reserve(request, timeout=CALL_TIMEOUT)
    again = stub.Reserve(request, timeout=CALL_TIMEOUT)
    assert again.reservation_id == first.reservation_id
    assert stub.GetStock(atomic.inventory_pb2.GetStockRequest(sku="sku-a"), timeout=CALL_TIMEOUT).available == 1
    request.idempotency_key = "k-2"
    with pytest.raises(grpc.RpcError) as refused:
        stub.Reserve(request, timeout=CALL_TIMEOUT)
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert trailing(refused.value).get("baton-error-reason") == "INSUFFICIENT_STOCK"


def test_charge_declined_past_the_limit_and_per_call_fault(atomic, channel):
    stub = atomic.payment_pb2_grpc.PaymentServiceStub(channel)
    stub.SetCustomerLimit(atomic.payment_pb2.SetCustomerLimitRequest(customer_id="c-9", limit_minor=100), timeout=CALL_TIMEOUT)
    charge = atomic.payment_pb2.ChargeRequest(order_id="o-9", customer_id="c-9", amount_minor=150, idempotency_key="k-9")
    with pytest.raises(grpc.RpcError) as declined:
        stub.Charge(charge, timeout=CALL_TIMEOUT)
    assert declined.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert trailing(declined.value).get("baton-error-reason") == "PAYMENT_DECLINED"
    charge.amount_minor = 80
    with pytest.raises(grpc.RpcError) as faulted:
        stub.Charge(charge, timeout=CALL_TIMEOUT, metadata=[("x-baton-fault", "DEADLINE_EXCEEDED")])
    assert faulted.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert stub.Charge(charge, timeout=CALL_TIMEOUT).amount_minor == 80
    account = stub.GetCustomerAccount(atomic.payment_pb2.GetCustomerAccountRequest(customer_id="c-9"), timeout=CALL_TIMEOUT)
    assert account.captured_minor == 80


def test_identity_users_are_idempotent_and_wrong_mfa_codes_refused(atomic, channel):
    users = atomic.atomic_identity_pb2_grpc.UserServiceStub(channel)
    pb = atomic.atomic_identity_pb2
    create = pb.CreateUserRequest(email="Ada@Example.com", display_name="Ada", idempotency_key="k-u1")
    first = users.CreateUser(create, timeout=CALL_TIMEOUT)
    assert users.CreateUser(create, timeout=CALL_TIMEOUT).user_id == first.user_id
    assert first.email == "ada@example.com" and first.active
    create.idempotency_key = "k-u2"
    with pytest.raises(grpc.RpcError) as taken:
        users.CreateUser(create, timeout=CALL_TIMEOUT)
    assert taken.value.code() == grpc.StatusCode.ALREADY_EXISTS
    with pytest.raises(grpc.RpcError) as missing:
        users.GetUser(pb.GetUserRequest(user_id="nope"), timeout=CALL_TIMEOUT)
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND

    mfa = atomic.atomic_identity_pb2_grpc.MfaServiceStub(channel)
    challenge = mfa.IssueChallenge(pb.IssueChallengeRequest(user_id=first.user_id, idempotency_key="k-c1"), timeout=CALL_TIMEOUT)
    code = mfa.GetChallengeCode(pb.GetChallengeCodeRequest(challenge_id=challenge.challenge_id), timeout=CALL_TIMEOUT).code
    with pytest.raises(grpc.RpcError) as wrong:
        mfa.ActivateChallenge(pb.ActivateChallengeRequest(challenge_id=challenge.challenge_id, code=code + "9", idempotency_key="k-a1"),
                              timeout=CALL_TIMEOUT)
    assert wrong.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert trailing(wrong.value).get("baton-error-reason") == "INVALID_CODE"
    mfa.ActivateChallenge(pb.ActivateChallengeRequest(challenge_id=challenge.challenge_id, code=code, idempotency_key="k-a1"),
                          timeout=CALL_TIMEOUT)
    assert mfa.GetEnrollment(pb.GetEnrollmentRequest(user_id=first.user_id), timeout=CALL_TIMEOUT).enrolled


def test_tenant_membership_in_a_demo_tenant(atomic, channel):
    tenants = atomic.tenant_pb2_grpc.TenantServiceStub(channel)
    pb = atomic.tenant_pb2
    add = pb.AddMemberRequest(tenant_id="acme", user_id="u-1", role="admin", idempotency_key="k-m1")
    assert tenants.AddMember(add, timeout=CALL_TIMEOUT).role == "admin"
    assert tenants.AddMember(add, timeout=CALL_TIMEOUT).role == "admin"
    listed = tenants.ListMemberships(pb.ListMembershipsRequest(user_id="u-1"), timeout=CALL_TIMEOUT).memberships
    assert [(m.tenant_id, m.role) for m in listed] == [("acme", "admin")]
    add.tenant_id, add.idempotency_key = "nope", "k-m2"
    with pytest.raises(grpc.RpcError) as unknown:
        tenants.AddMember(add, timeout=CALL_TIMEOUT)
    assert unknown.value.code() == grpc.StatusCode.NOT_FOUND


def test_warehouse_transfer_refuses_missing_stock_and_honours_keys(atomic, channel):
    stub = atomic.warehouse_pb2_grpc.WarehouseServiceStub(channel)
    pb = atomic.warehouse_pb2

    def gizmo(warehouse):
        levels = stub.GetStockLevels(pb.GetStockLevelsRequest(sku="GIZMO"), timeout=CALL_TIMEOUT).levels
        return next(level.on_hand for level in levels if level.warehouse_id == warehouse)

    east, west = gizmo("WH-EAST"), gizmo("WH-WEST")  # the demo data: 12 and 8 on hand
    transfer = pb.TransferRequest(transfer=pb.Transfer(sku="GIZMO", from_warehouse_id="WH-EAST", to_warehouse_id="WH-WEST", quantity=east + 1),
                                  idempotency_key="k-t1")
    with pytest.raises(grpc.RpcError) as refused:
        stub.Transfer(transfer, timeout=CALL_TIMEOUT)
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert trailing(refused.value).get("baton-error-reason") == "INSUFFICIENT_STOCK"
    assert (gizmo("WH-EAST"), gizmo("WH-WEST")) == (east, west)
    transfer.transfer.quantity = 2
    first = stub.Transfer(transfer, timeout=CALL_TIMEOUT)
    assert stub.Transfer(transfer, timeout=CALL_TIMEOUT).transfer_id == first.transfer_id
    assert (gizmo("WH-EAST"), gizmo("WH-WEST")) == (east - 2, west + 2)


def test_sales_orders_are_idempotent_and_unknown_ones_not_found(atomic, channel):
    stub = atomic.sales_pb2_grpc.SalesServiceStub(channel)
    pb = atomic.sales_pb2
    create = pb.CreateSalesOrderRequest(reference="web-1", customer_id="C-1", currency="EUR",
                                        lines=[pb.OrderLine(sku="WIDGET", quantity=2, unit_price_minor=1250)], idempotency_key="k-s1")
    first = stub.CreateSalesOrder(create, timeout=CALL_TIMEOUT)
    assert stub.CreateSalesOrder(create, timeout=CALL_TIMEOUT).id == first.id
    assert first.status == "OPEN"
    cancelled = stub.CancelSalesOrder(pb.CancelSalesOrderRequest(id=first.id, idempotency_key="k-s2"), timeout=CALL_TIMEOUT)
    assert cancelled.status == "CANCELLED"
    with pytest.raises(grpc.RpcError) as missing:
        stub.GetSalesOrder(pb.GetSalesOrderRequest(id="nope"), timeout=CALL_TIMEOUT)
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND


def test_health_per_service(atomic, channel):
    stub = atomic.health_pb2_grpc.HealthStub(channel)
    for name in ["baton.atomic.inventory.v1.InventoryService", "baton.atomic.payment.v1.PaymentService",
                 "baton.atomic.shipping.v1.ShippingService", "baton.atomic.notifier.v1.NotifierService",
                 "baton.atomic.identity.v1.UserService", "baton.atomic.identity.v1.MfaService",
                 "baton.atomic.tenant.v1.TenantService", "baton.atomic.audit.v1.AuditService",
                 "baton.atomic.session.v1.SessionService", "baton.atomic.notifier.v1.UserNotifierService",
                 "baton.atomic.sales.v1.SalesService", "baton.atomic.sales.v1.ReturnService",
                 "baton.atomic.sales.v1.SalesHistoryService", "baton.atomic.procurement.v1.ProcurementService",
                 "baton.atomic.warehouse.v1.WarehouseService", "baton.atomic.receivable.v1.ReceivableService",
                 "baton.atomic.valuation.v1.ValuationService"]:
        response = stub.Check(atomic.health_pb2.HealthCheckRequest(service=name), timeout=CALL_TIMEOUT)
        assert response.status == atomic.health_pb2.HealthCheckResponse.SERVING, name


@pytest.mark.parametrize("level, logged", [(None, 0), ("DEBUG", 1)])
def test_log_level_debug_logs_each_refused_call(atomic, tmp_path, level, logged):
    if not os.access(support.BATON_BINARY, os.X_OK):
        pytest.skip(f"{support.BATON_BINARY} not built (swift build)")
    args = [support.BATON_BINARY, "services", "--host", "127.0.0.1", "--port", "0"]
    server = support.BatonServerProcess(str(tmp_path / "services.log"), binary=support.BATON_BINARY,
                                        args=args + (["--log-level", level] if level else []))
    try:
        with support.make_channel(server.address) as ch:
            stub = atomic.payment_pb2_grpc.PaymentServiceStub(ch)
            stub.SetCustomerLimit(atomic.payment_pb2.SetCustomerLimitRequest(customer_id="c-log", limit_minor=100), timeout=CALL_TIMEOUT)
            charge = atomic.payment_pb2.ChargeRequest(order_id="o-log", customer_id="c-log", amount_minor=150, idempotency_key="k-log")
            with pytest.raises(grpc.RpcError) as declined:
                stub.Charge(charge, timeout=CALL_TIMEOUT, metadata=[("x-correlation-id", "order-o-log")])
            assert declined.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    finally:
        assert server.stop(timeout=15) == 0, server.log_tail()
    refused = [line for line in server.log_tail(1_000_000).splitlines() if "refused" in line]
    assert len(refused) == logged, server.log_tail()
    for line in refused:
        assert "Charge" in line and "order-o-log" in line and "debug" in line, line


def test_log_level_must_name_a_level():
    if not os.access(support.BATON_BINARY, os.X_OK):
        pytest.skip(f"{support.BATON_BINARY} not built (swift build)")
    done = subprocess.run([support.BATON_BINARY, "services", "--port", "0", "--log-level", "loud"],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode != 0
    assert "--log-level must be one of trace, debug, info, notice, warning, error, critical, not 'loud'" in done.stderr, done.stderr
