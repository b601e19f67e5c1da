"""End to end with Python grpcio (a client nobody here wrote) against a running `baton serve`
on its embedded SQLite store and in-memory adapters: the binary API of WorkflowService,
EventService and the orchestrators' typed services, reflection, metrics and bad input.
"""

from __future__ import annotations

import json
import time
import urllib.request
import uuid

import grpc
import pytest

import interop_support as support

class Baton:
    """Stubs on one channel to a `baton serve`, and small helpers over them."""

    def __init__(self, api, server):
        self.api = api
        self.server = server
        self.channel = support.make_channel(server.address)
        self.workflows = api.workflow_service_pb2_grpc.WorkflowServiceStub(self.channel)
        self.events = api.event_service_pb2_grpc.EventServiceStub(self.channel)
        self.orders = api.order_pb2_grpc.OrderFulfillmentStub(self.channel)
        self.identity = api.identity_pb2_grpc.IdentityOperationsStub(self.channel)
        self.wf = api.workflow_service_pb2
        self.status = api.workflow_pb2.WorkflowStatus

    def status_name(self, value: int) -> str:
        return self.status.Name(value).removeprefix("WORKFLOW_STATUS_")

    def place_order(self, order_id: str, quantity: int = 2, customer: str | None = None):
        o = self.api.order_pb2
        request = o.PlaceOrderRequest(
            order_id=order_id,
            customer_id=customer or f"customer-{order_id}",
            lines=[o.OrderLine(sku="WIDGET", quantity=quantity, unit_price_minor=1250)],
            payment_method_token="tok",
            shipping_address=o.ShippingAddress(street="1 Main St", city="Springfield", postal_code="12345", country="US"),
        )
        return self.orders.PlaceOrder(request, timeout=10)

    def get(self, workflow_id: str):
        return self.workflows.GetWorkflow(self.wf.GetWorkflowRequest(workflow_id=workflow_id), timeout=10)

    def wait(self, workflow_id: str, predicate=None, timeout: float = 15.0):
        # FAILED and TIMED_OUT pass on to COMPENSATING when there is something to undo: a
        # workflow has ended when it has an end time.
        predicate = predicate or (lambda w: w.finished_at_ms > 0)
        deadline = time.monotonic() + timeout
        while True:
            workflow = self.get(workflow_id)
            if predicate(workflow):
                return workflow
            if time.monotonic() > deadline:
                raise AssertionError(f"{workflow_id} did not get there: {workflow}")
            time.sleep(0.02)

    def history(self, workflow_id: str):
        return list(self.workflows.GetWorkflowHistory(self.wf.GetWorkflowHistoryRequest(workflow_id=workflow_id), timeout=10).events)

    def total(self) -> int:
        return self.workflows.ListWorkflows(self.wf.ListWorkflowsRequest(page_size=1), timeout=10).total


@pytest.fixture
def baton(api, baton_serve):
    client = Baton(api, baton_serve)
    yield client
    client.channel.close()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_place_order_completes_with_every_step(baton):
    placed = baton.place_order("o-1")
    assert placed.workflow_id == "PlaceOrder-o-1"
    workflow = baton.wait(placed.workflow_id)
    assert baton.status_name(workflow.status) == "COMPLETED"
    assert [s.name for s in workflow.steps] == ["reserve-inventory", "process-payment", "schedule-delivery", "notify-customer"]
    assert all(baton.api.workflow_pb2.StepStatus.Name(s.status) == "STEP_STATUS_COMPLETED" for s in workflow.steps)
    assert all(s.attempts == 1 and s.started_at_ms > 0 and s.finished_at_ms >= s.started_at_ms for s in workflow.steps)
    assert workflow.correlation_id == "o-1"
    outputs = json.loads(workflow.output_json)
    assert outputs["process-payment"]["amountMinor"] == 2500


def test_serve_runs_on_jemalloc(baton_serve):
    # The executables link jemalloc (BatonAllocator); the server says which allocator serves its
    # malloc, checked by comparing the process's bound `malloc` with jemalloc's own.
    head = baton_serve.log_head()
    assert "allocator=jemalloc 5." in head, head


def test_declined_payment_is_compensated_exactly(baton):
    placed = baton.place_order("o-big", quantity=80)  # 1000.00 is past the 500.00 demo limit
    workflow = baton.wait(placed.workflow_id)
    assert baton.status_name(workflow.status) == "COMPENSATED"
    assert workflow.failed_step == "process-payment"
    assert workflow.error.code == "FAILED_PRECONDITION"
    assert "PAYMENT_DECLINED" in workflow.error.message
    events = baton.history(placed.workflow_id)
    plan = [e for e in events if e.event_type == "CompensationStarted"]
    assert [json.loads(e.detail_json)["steps"] for e in plan] == [["reserve-inventory"]]
    assert [e.step for e in events if e.event_type == "CompensationStepCompleted"] == ["reserve-inventory"]
    assert [e.event_type for e in events][-1] == "WorkflowCompensated"


def register_user(baton, email: str) -> str:
    i = baton.api.identity_pb2
    started = baton.identity.RegisterUser(
        i.RegisterUserRequest(email=email, display_name="Ada", tenant_id="acme", role="member", requested_by="test"), timeout=10
    )
    workflow = baton.wait(started.workflow_id)
    assert baton.status_name(workflow.status) == "COMPLETED", workflow
    return json.loads(workflow.output_json)["create-user"]["userID"]


def test_cancel_mid_flight_pause_resume_and_a_signal_that_unblocks(baton):
    i = baton.api.identity_pb2
    user = register_user(baton, f"{unique('ada')}@example.com")

    # EnableMfa issues a challenge, then waits for the verification signal.
    first = baton.identity.EnableMfa(i.EnableMfaRequest(user_id=user), timeout=10)
    waiting = lambda w: w.current_step == "await-verification" and baton.status_name(w.status) == "RUNNING"  # noqa: E731
    baton.wait(first.workflow_id, waiting)

    paused = baton.workflows.PauseWorkflow(baton.wf.PauseWorkflowRequest(workflow_id=first.workflow_id), timeout=10)
    assert baton.status_name(paused.status) == "PAUSED"
    with pytest.raises(grpc.RpcError) as again:
        baton.workflows.PauseWorkflow(baton.wf.PauseWorkflowRequest(workflow_id=first.workflow_id), timeout=10)
    assert again.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    resumed = baton.workflows.ResumeWorkflow(baton.wf.ResumeWorkflowRequest(workflow_id=first.workflow_id), timeout=10)
    assert baton.status_name(resumed.status) == "RUNNING"

    cancelled = baton.workflows.CancelWorkflow(
        baton.wf.CancelWorkflowRequest(workflow_id=first.workflow_id, reason="changed my mind", initiated_by="ada"), timeout=10
    )
    assert list(cancelled.compensations) == ["issue-challenge"]
    workflow = baton.wait(first.workflow_id)
    assert baton.status_name(workflow.status) == "COMPENSATED"
    assert workflow.cancel_reason == "changed my mind (by ada)"

    # A new EnableMfa (its own id) waits again; a signal by correlation id unblocks it.
    second = baton.workflows.StartWorkflow(
        baton.wf.StartWorkflowRequest(workflow_type="EnableMfa", workflow_id=unique("mfa"), correlation_id=user,
                                      input_json=json.dumps({"userID": user})), timeout=10)
    baton.wait(second.workflow_id, waiting)
    baton.workflows.SignalWorkflow(
        baton.wf.SignalWorkflowRequest(correlation_id=user, signal="MfaVerification", payload_json=json.dumps({"code": "000000"})),
        timeout=10,
    )
    workflow = baton.wait(second.workflow_id)
    # The wrong code is refused: the workflow left its wait and rolled the challenge back.
    assert workflow.steps[1].status == baton.api.workflow_pb2.StepStatus.Value("STEP_STATUS_COMPLETED")
    assert baton.status_name(workflow.status) == "COMPENSATED", (workflow, baton.history(second.workflow_id))


def test_watch_workflow_streams_every_event_in_order(baton):
    placed = baton.place_order(unique("watch"))
    events = list(baton.workflows.WatchWorkflow(baton.wf.WatchWorkflowRequest(workflow_id=placed.workflow_id), timeout=15))
    assert [e.sequence for e in events] == list(range(1, len(events) + 1))
    assert events[0].event_type == "WorkflowCreated"
    assert events[-1].event_type == "WorkflowCompleted" and events[-1].final
    assert [e.step for e in events if e.event_type == "StepCompleted"] == [
        "reserve-inventory", "process-payment", "schedule-delivery", "notify-customer"]
    assert [(e.sequence, e.event_type) for e in events] == [(e.sequence, e.event_type) for e in baton.history(placed.workflow_id)]


def test_idempotent_start(baton):
    first = baton.place_order("o-same")
    second = baton.place_order("o-same")
    assert first.workflow_id == second.workflow_id
    baton.wait(first.workflow_id)
    request = baton.wf.StartWorkflowRequest(workflow_type="PlaceOrder", workflow_id=first.workflow_id, input_json="{}")
    repeat = baton.workflows.StartWorkflow(request, timeout=10)
    assert repeat.created is False
    assert baton.status_name(repeat.status) == "COMPLETED"
    listed = baton.workflows.ListWorkflows(baton.wf.ListWorkflowsRequest(correlation_id="o-same"), timeout=10)
    assert listed.total == 1


def test_start_metadata_is_kept_with_the_workflow(baton):
    user = unique("meta-user")
    wf = baton.wf
    metadata = {"tenant": "acme", "trace-id": "4bf92f3577b34da6", "note": "ünïcode ✓"}
    started = baton.workflows.StartWorkflow(
        wf.StartWorkflowRequest(workflow_type="EnableMfa", workflow_id=unique("mfa-meta"), correlation_id=user,
                                input_json=json.dumps({"userID": user}), metadata=metadata), timeout=10)
    assert started.created
    assert dict(baton.get(started.workflow_id).metadata) == metadata
    # An idempotent repeat with other metadata returns the stored workflow, unchanged.
    repeat = baton.workflows.StartWorkflow(
        wf.StartWorkflowRequest(workflow_type="EnableMfa", workflow_id=started.workflow_id,
                                input_json=json.dumps({"userID": user}), metadata={"tenant": "globex"}), timeout=10)
    assert repeat.created is False
    assert dict(baton.get(started.workflow_id).metadata) == metadata
    baton.workflows.CancelWorkflow(wf.CancelWorkflowRequest(workflow_id=started.workflow_id, reason="test over"), timeout=10)
    assert dict(baton.wait(started.workflow_id).metadata) == metadata

    # An empty key is refused before anything is stored.
    before = baton.total()
    with pytest.raises(grpc.RpcError) as refused:
        baton.workflows.StartWorkflow(
            wf.StartWorkflowRequest(workflow_type="EnableMfa", input_json=json.dumps({"userID": user}), metadata={"": "x"}),
            timeout=10)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "metadata" in refused.value.details()
    assert baton.total() == before


def test_list_workflows_pages(baton):
    ids = {baton.place_order(unique("page")).workflow_id for _ in range(5)}
    for workflow_id in ids:
        baton.wait(workflow_id)
    seen, token, pages = [], "", 0
    while True:
        page = baton.workflows.ListWorkflows(
            baton.wf.ListWorkflowsRequest(workflow_type="PlaceOrder", page_size=2, page_token=token), timeout=10)
        assert page.total == 5
        seen += [w.workflow_id for w in page.workflows]
        pages += 1
        token = page.next_page_token
        if not token:
            break
    assert pages == 3
    assert sorted(seen) == sorted(ids)


def test_list_pages_stop_short_of_a_clients_message_limit(baton):
    # Five workflows of 1 MiB each (their input): a default page of them would be 5 MiB, past the
    # 4 MiB grpcio accepts by default. Pages stop short of it and the token goes on from there.
    correlation = unique("big")
    for index in range(5):
        order = {"orderID": f"{correlation}-{index}", "customerID": "c-big", "lines": [{"sku": "GADGET", "quantity": 1, "unitPriceMinor": 1}],
                 "paymentMethodToken": "t" * (1 << 20), "shippingAddress": {"street": "s", "city": "c", "postalCode": "p", "country": "US"}}
        baton.workflows.StartWorkflow(baton.wf.StartWorkflowRequest(
            workflow_type="PlaceOrder", workflow_id=f"{correlation}-{index}", correlation_id=correlation, input_json=json.dumps(order)), timeout=20)
    seen, token, pages = [], "", 0
    while True:
        page = baton.workflows.ListWorkflows(baton.wf.ListWorkflowsRequest(correlation_id=correlation, page_token=token), timeout=20)
        assert page.total == 5 and 0 < len(page.workflows) <= 3, len(page.workflows)
        seen += [w.workflow_id for w in page.workflows]
        pages += 1
        token = page.next_page_token
        if not token:
            break
    assert sorted(seen) == [f"{correlation}-{index}" for index in range(5)] and pages >= 2


def test_metrics_move(baton):
    before = baton.workflows.GetMetrics(baton.wf.GetMetricsRequest(), timeout=10)
    baton.wait(baton.place_order(unique("m")).workflow_id)
    baton.wait(baton.place_order(unique("m"), quantity=80).workflow_id)
    after = baton.workflows.GetMetrics(baton.wf.GetMetricsRequest(), timeout=10)
    assert after.completed_today == before.completed_today + 1
    assert after.compensated_today == before.compensated_today + 1
    assert after.counts_by_type["PlaceOrder"] == before.counts_by_type["PlaceOrder"] + 2

    url = f"http://127.0.0.1:{baton.server.http_port}"
    text = ""
    for _ in range(100):  # the recorder follows the event stream on its own task
        text = urllib.request.urlopen(f"{url}/metrics", timeout=5).read().decode()
        if 'workflow_failed_total{workflow_type="PlaceOrder",status="COMPENSATED"} 1' in text:
            break
        time.sleep(0.05)
    assert 'workflow_completed_total{workflow_type="PlaceOrder"} 1' in text
    assert 'workflow_started_total{workflow_type="PlaceOrder"} 2' in text
    assert 'saga_compensation_total{workflow_type="PlaceOrder"} 1' in text
    assert 'workflow_duration_seconds_count{workflow_type="PlaceOrder"} 2' in text
    assert "workflow_active 0" in text
    assert 'rpc_requests_total{method="/baton.order_fulfillment.v1.OrderFulfillment/PlaceOrder",code="OK"} 2' in text
    assert urllib.request.urlopen(f"{url}/healthz", timeout=5).read() == b"ok\n"
    assert urllib.request.urlopen(f"{url}/readyz", timeout=5).read() == b"ready\n"


def test_publish_event_starts_place_order_once(baton):
    order = unique("evt")
    payload = {"orderID": order, "customerID": "c-evt", "lines": [{"sku": "GADGET", "quantity": 1, "unitPriceMinor": 500}],
               "paymentMethodToken": "tok", "shippingAddress": {"street": "s", "city": "c", "postalCode": "p", "country": "US"}}
    request = baton.api.event_service_pb2.PublishEventRequest(
        event_type="OrderCreated", event_id=f"evt-{order}", correlation_id=order, payload_json=json.dumps(payload))
    first = baton.events.PublishEvent(request, timeout=10)
    assert not first.duplicate and list(first.handled_by)
    assert baton.events.PublishEvent(request, timeout=10).duplicate
    workflow = baton.wait(f"PlaceOrder-{order}")
    assert baton.status_name(workflow.status) == "COMPLETED"
    listed = baton.workflows.ListWorkflows(baton.wf.ListWorkflowsRequest(correlation_id=order), timeout=10)
    assert listed.total == 1


def test_bad_input_gets_precise_statuses_and_changes_nothing(baton):
    wf = baton.wf
    cases = [
        ("unknown type", grpc.StatusCode.NOT_FOUND,
         lambda: baton.workflows.StartWorkflow(wf.StartWorkflowRequest(workflow_type="NoSuchFlow"), timeout=10)),
        ("unknown id", grpc.StatusCode.NOT_FOUND,
         lambda: baton.workflows.GetWorkflow(wf.GetWorkflowRequest(workflow_id="nope"), timeout=10)),
        ("cancel unknown", grpc.StatusCode.NOT_FOUND,
         lambda: baton.workflows.CancelWorkflow(wf.CancelWorkflowRequest(workflow_id="nope"), timeout=10)),
        ("malformed input", grpc.StatusCode.INVALID_ARGUMENT,
         lambda: baton.workflows.StartWorkflow(wf.StartWorkflowRequest(workflow_type="PlaceOrder", input_json="{oops"), timeout=10)),
        ("StartWorkflow with input of the wrong shape", grpc.StatusCode.INVALID_ARGUMENT,
         lambda: baton.workflows.StartWorkflow(wf.StartWorkflowRequest(workflow_type="PlaceOrder", input_json='{"orderID": 5}'), timeout=10)),
        ("StartWorkflow of an order with no lines", grpc.StatusCode.INVALID_ARGUMENT,
         lambda: baton.workflows.StartWorkflow(wf.StartWorkflowRequest(workflow_type="PlaceOrder", input_json=json.dumps({
             "orderID": "o-empty", "customerID": "c", "lines": [], "paymentMethodToken": "t",
             "shippingAddress": {"street": "s", "city": "c", "postalCode": "p", "country": "US"}})), timeout=10)),
        ("StartWorkflow with no input", grpc.StatusCode.INVALID_ARGUMENT,
         lambda: baton.workflows.StartWorkflow(wf.StartWorkflowRequest(workflow_type="RegisterUser"), timeout=10)),
        ("input of the wrong shape", grpc.StatusCode.INVALID_ARGUMENT,
         lambda: baton.orders.PlaceOrder(baton.api.order_pb2.PlaceOrderRequest(order_id="x"), timeout=10)),
        ("missing id", grpc.StatusCode.INVALID_ARGUMENT,
         lambda: baton.workflows.PauseWorkflow(wf.PauseWorkflowRequest(), timeout=10)),
        ("id with a NUL", grpc.StatusCode.INVALID_ARGUMENT,
         lambda: baton.workflows.StartWorkflow(wf.StartWorkflowRequest(workflow_type="PlaceOrder", workflow_id="nul\x00tail", input_json="{}"), timeout=10)),
        ("id of 100,000 bytes", grpc.StatusCode.INVALID_ARGUMENT,
         lambda: baton.workflows.StartWorkflow(wf.StartWorkflowRequest(workflow_type="PlaceOrder", workflow_id="x" * 100_000, input_json="{}"), timeout=10)),
        ("correlation id with a line break", grpc.StatusCode.INVALID_ARGUMENT,
         lambda: baton.workflows.StartWorkflow(wf.StartWorkflowRequest(workflow_type="PlaceOrder", correlation_id="a\nb", input_json="{}"), timeout=10)),
        ("event whose payload has the wrong shape", grpc.StatusCode.INVALID_ARGUMENT,
         lambda: baton.events.PublishEvent(baton.api.event_service_pb2.PublishEventRequest(
             event_type="OrderCreated", event_id=unique("evt-bad"), payload_json=json.dumps({"orderID": 5})), timeout=10)),
        # Its message repeats the id, cut to fit in the trailers: the status arrives.
        ("get by an id of 100,000 bytes", grpc.StatusCode.NOT_FOUND,
         lambda: baton.workflows.GetWorkflow(wf.GetWorkflowRequest(workflow_id="y" * 100_000), timeout=10)),
    ]
    before = baton.total()
    for name, code, call in cases:
        with pytest.raises(grpc.RpcError) as failure:
            call()
        assert failure.value.code() == code, f"{name}: {failure.value}"
        assert failure.value.details(), f"{name}: no message"
    assert baton.total() == before

    done = baton.wait(baton.place_order(unique("done")).workflow_id)
    illegal_transitions = [
        (baton.workflows.ResumeWorkflow, wf.ResumeWorkflowRequest),
        (baton.workflows.PauseWorkflow, wf.PauseWorkflowRequest),
        (baton.workflows.CancelWorkflow, wf.CancelWorkflowRequest),
    ]
    for call, request in illegal_transitions:
        with pytest.raises(grpc.RpcError) as illegal:
            call(request(workflow_id=done.workflow_id), timeout=10)
        assert illegal.value.code() == grpc.StatusCode.FAILED_PRECONDITION, f"{request.__name__}: {illegal.value}"
    assert baton.status_name(baton.get(done.workflow_id).status) == "COMPLETED"


def test_reflection_lists_and_describes_the_api(baton):
    from google.protobuf.descriptor_pool import DescriptorPool
    from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

    database = ProtoReflectionDescriptorDatabase(baton.channel)
    services = set(database.get_services())
    assert {"baton.coordination.v1.WorkflowService", "baton.coordination.v1.EventService",
            "baton.order_fulfillment.v1.OrderFulfillment", "baton.identity_operations.v1.IdentityOperations",
            "grpc.health.v1.Health"} <= services
    pool = DescriptorPool(database)
    start = pool.FindServiceByName("baton.coordination.v1.WorkflowService").FindMethodByName("StartWorkflow")
    assert start.input_type.full_name == "baton.coordination.v1.StartWorkflowRequest"
    assert "workflow_type" in start.input_type.fields_by_name


def test_sigterm_ends_open_streams_and_drains(api, start_baton_serve):
    server = start_baton_serve()
    baton = Baton(api, server)
    subscription = baton.events.Subscribe(baton.api.event_service_pb2.SubscribeRequest(), timeout=30)
    placed = baton.place_order(unique("drain"))
    first = next(subscription)  # the stream is live
    assert first.workflow_id == placed.workflow_id
    started = time.monotonic()
    server.terminate()
    with pytest.raises(grpc.RpcError) as ended:
        for _ in subscription:
            pass
    assert ended.value.code() == grpc.StatusCode.UNAVAILABLE, ended.value
    assert "shutting down" in ended.value.details()
    assert server.proc.wait(timeout=15) == 0, server.log_tail()
    assert time.monotonic() - started < 5, "open streams held up the drain"
    baton.channel.close()


def logged_events(server, workflow_id: str) -> list[tuple[str, str]]:
    """(level, event) of every line the server logged about `workflow_id`, in order."""
    log = server.log_tail(size=1 << 20)
    marker = f"workflow.id={workflow_id}"
    lines = [line.split() for line in log.splitlines() if marker in line.split()]
    return [(fields[1], next(f.removeprefix("event=") for f in fields if f.startswith("event="))) for fields in lines]


@pytest.mark.parametrize("level, expected", [
    (None, [("info", "WorkflowCompleted")]),
    ("debug", [("debug", "WorkflowCreated"), ("debug", "WorkflowStarted")]
     + [("debug", event) for _ in range(4) for event in ("StepStarted", "StepCompleted")]
     + [("info", "WorkflowCompleted")]),
    ("warning", []),
])
def test_log_level_chooses_what_is_logged_of_a_workflow(api, start_baton_serve, level, expected):
    server = start_baton_serve(extra=("--log-level", level) if level else ())
    baton = Baton(api, server)
    placed = baton.place_order(unique("logged"))
    assert baton.status_name(baton.wait(placed.workflow_id).status) == "COMPLETED"
    baton.channel.close()
    assert server.stop(timeout=20) == 0, server.log_tail()
    assert logged_events(server, placed.workflow_id) == expected, server.log_tail()
