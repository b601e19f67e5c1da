"""`baton serve --adapters rpc` against `baton services`: IdentityOperations and
SupplyChainOperations run on their RPC adapters, and their effects land in the reference
services' truth (read back with grpcio), exactly once, with the demo data seeded on both sides.
"""

from __future__ import annotations

import json

import interop_support as support
from test_baton_serve import Baton

CALL_TIMEOUT = 10


def test_identity_and_supply_chain_run_over_the_rpc_adapters(api, start_baton_serve, baton_binary, tmp_path, request):
    services = support.BatonServerProcess(str(tmp_path / "services.log"), binary=baton_binary,
                                          args=[baton_binary, "services", "--host", "127.0.0.1", "--port", "0"])
    request.addfinalizer(services.kill)
    server = start_baton_serve(extra=("--adapters", "rpc", "--services", services.address))
    baton = Baton(api, server)

    # RegisterUser: user, membership of the demo tenant, audit record, welcome — in the services.
    registration = api.identity_pb2.RegisterUserRequest(email="ada@example.com", display_name="Ada", tenant_id="acme",
                                                        role="admin", requested_by="ops")
    started = baton.identity.RegisterUser(registration, timeout=CALL_TIMEOUT)
    workflow = baton.wait(started.workflow_id)
    assert baton.status_name(workflow.status) == "COMPLETED", workflow
    user_id = json.loads(workflow.output_json)["create-user"]["userID"]
    channel = support.make_channel(services.address)
    memberships = api.tenant_pb2_grpc.TenantServiceStub(channel).ListMemberships(
        api.tenant_pb2.ListMembershipsRequest(user_id=user_id), timeout=CALL_TIMEOUT).memberships
    assert [(m.tenant_id, m.role) for m in memberships] == [("acme", "admin")]
    entries = api.audit_pb2_grpc.AuditServiceStub(channel).ListEntries(
        api.audit_pb2.ListEntriesRequest(subject_id=user_id), timeout=CALL_TIMEOUT).entries
    assert [e.action for e in entries] == ["user.registered"]

    # The session coordinator answers synchronously over the same adapter.
    session = baton.identity.IssueSession(api.identity_pb2.IssueSessionRequest(user_id=user_id, tenant_id="acme", idempotency_key="s-1"),
                                          timeout=CALL_TIMEOUT)
    assert session.user_id == user_id and session.token
    active = api.session_pb2_grpc.SessionServiceStub(channel).ListActiveSessions(
        api.session_pb2.ListActiveSessionsRequest(user_id=user_id), timeout=CALL_TIMEOUT).sessions
    assert [s.session_id for s in active] == [session.session_id]

    # DropshipOrder with the demo vendor: sales order and purchase order in the services, then it
    # waits for the vendor's shipment.
    dropship = {"orderReference": "web-1", "customerID": "C-1", "vendorID": "ACME-SUPPLY",
                "lines": [{"sku": "WIDGET", "quantity": 2, "unitPriceMinor": 1250}], "vendorUnitCostsMinor": {}, "currency": "EUR"}
    baton.workflows.StartWorkflow(baton.wf.StartWorkflowRequest(workflow_type="DropshipOrder", workflow_id="ds-1", input_json=json.dumps(dropship),
                                                                correlation_id="web-1"), timeout=CALL_TIMEOUT)
    waiting = baton.wait("ds-1", predicate=lambda w: "place-purchase-order" in json.loads(w.output_json or "{}"))
    outputs = json.loads(waiting.output_json)
    sales_order = api.sales_pb2_grpc.SalesServiceStub(channel).GetSalesOrder(
        api.sales_pb2.GetSalesOrderRequest(id=outputs["create-sales-order"]["id"]), timeout=CALL_TIMEOUT)
    assert (sales_order.reference, sales_order.status) == ("web-1", "OPEN")
    purchase_order = api.procurement_pb2_grpc.ProcurementServiceStub(channel).GetPurchaseOrder(
        api.procurement_pb2.GetPurchaseOrderRequest(id=outputs["place-purchase-order"]["id"]), timeout=CALL_TIMEOUT)
    assert (purchase_order.terms.vendor_id, purchase_order.terms.sales_order_id, purchase_order.status) == ("ACME-SUPPLY", sales_order.id, "OPEN")

    channel.close()
    baton.channel.close()
    assert server.stop(timeout=20) == 0, server.log_tail()
    assert services.stop(timeout=15) == 0, services.log_tail()
