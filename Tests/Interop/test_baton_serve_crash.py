"""Crash recovery of `baton serve`: SIGKILL while 500 PlaceOrder sagas are in flight against the
reference atomic services (`baton services`, over the RPC adapters), restart on the same SQLite
file, and every saga finishes; none is lost, and the services' ledgers show every effect exactly
once (one charge, one delivery, one confirmation per order; stock taken once). The store passes
SQLite's integrity check.
"""

from __future__ import annotations

import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor

import grpc

import interop_support as support
from test_baton_serve import Baton

SAGAS = 500


def place_until_accepted(baton: Baton, order_id: str, deadline: float):
    """PlaceOrder, retried on UNAVAILABLE (the server is being killed or restarted) until accepted."""
    while True:
        try:
            return baton.place_order(order_id).workflow_id
        except grpc.RpcError as error:
            if error.code() not in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def place_then_kill(baton: Baton, server, orders: list[str]) -> set[str]:
    """Places every order at once and SIGKILLs `server` once a fifth are acknowledged (while the
    sagas run); returns the acknowledged orders."""
    with ThreadPoolExecutor(max_workers=32) as pool:
        futures = [pool.submit(baton.place_order, order) for order in orders]
        while sum(f.done() for f in futures) < len(orders) // 5:
            time.sleep(0.005)
        server.proc.kill()
        server.proc.wait(timeout=10)
    baton.channel.close()
    acknowledged = {orders[i] for i, f in enumerate(futures) if f.exception() is None}
    assert acknowledged, "nothing was acknowledged before the kill"
    return acknowledged


def place_again(baton: Baton, orders: list[str], timeout: float) -> list[str]:
    """Places every order again (start is idempotent), retrying while the server is unavailable;
    returns the workflow ids, checked to be the orders' own."""
    deadline = time.monotonic() + timeout
    with ThreadPoolExecutor(max_workers=16) as pool:
        ids = list(pool.map(lambda order: place_until_accepted(baton, order, deadline), orders))
    assert ids == [f"PlaceOrder-{order}" for order in orders]
    return ids


def test_sigkill_during_500_sagas_loses_none_and_doubles_nothing(api, start_baton_serve, baton_binary, tmp_path, request):
    services = support.BatonServerProcess(str(tmp_path / "services.log"), binary=baton_binary,
                                          args=[baton_binary, "services", "--host", "127.0.0.1", "--port", "0"])
    request.addfinalizer(services.kill)
    rpc = ("--adapters", "rpc", "--services", services.address)
    store = tmp_path / "crash.sqlite"
    stock_before = stock(api, services)
    server = start_baton_serve(store=f"sqlite:{store}", extra=rpc)
    baton = Baton(api, server)
    orders = [f"crash-{index:03d}" for index in range(SAGAS)]

    # Start every saga; kill the server while they run (after the first acknowledgements).
    acknowledged = place_then_kill(baton, server, orders)
    with sqlite3.connect(store) as db:
        unfinished = db.execute("SELECT COUNT(*) FROM workflows WHERE finished = 0").fetchone()[0]
    assert unfinished > 0, "the kill came too late: no saga was in flight"

    # Restart on the same file; resubmit every order (idempotent), then wait for all of them.
    restarted = start_baton_serve(store=f"sqlite:{store}", extra=rpc)
    baton = Baton(api, restarted)
    ids = place_again(baton, orders, timeout=60)
    for workflow_id in ids:
        workflow = baton.wait(workflow_id, timeout=60)
        assert baton.status_name(workflow.status) == "COMPLETED", workflow

    listed = baton.workflows.ListWorkflows(baton.wf.ListWorkflowsRequest(workflow_type="PlaceOrder", page_size=1), timeout=10)
    assert listed.total == SAGAS, "a saga was lost or started twice"
    # Each acknowledged saga kept its single history: one WorkflowCreated, one WorkflowCompleted.
    for order in sorted(acknowledged)[:50]:
        kinds = [e.event_type for e in baton.history(f"PlaceOrder-{order}")]
        assert kinds.count("WorkflowCreated") == 1 and kinds.count("WorkflowCompleted") == 1, kinds
    baton.channel.close()
    assert restarted.stop(timeout=20) == 0, restarted.log_tail()

    # The truth lives in the services: every effect happened exactly once.
    channel = support.make_channel(services.address)
    payments = api.payment_pb2_grpc.PaymentServiceStub(channel)
    shipping = api.shipping_pb2_grpc.ShippingServiceStub(channel)
    notifier = api.notifier_pb2_grpc.NotifierServiceStub(channel)
    for order in orders:
        account = payments.GetCustomerAccount(api.payment_pb2.GetCustomerAccountRequest(customer_id=f"customer-{order}"), timeout=10)
        assert account.captured_minor == 2500, f"{order} charged {account.captured_minor}"
        deliveries = shipping.ListDeliveries(api.shipping_pb2.ListDeliveriesRequest(order_id=order), timeout=10).deliveries
        assert len(deliveries) == 1, f"{order}: {len(deliveries)} deliveries"
        sent = notifier.CountNotifications(api.notifier_pb2.CountNotificationsRequest(order_id=order), timeout=10).count
        assert sent == 1, f"{order}: {sent} confirmations"
    channel.close()
    assert stock(api, services) == stock_before - 2 * SAGAS
    assert services.stop(timeout=15) == 0, services.log_tail()

    with sqlite3.connect(store) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def stock(api, services) -> int:
    channel = support.make_channel(services.address)
    try:
        inventory = api.inventory_pb2_grpc.InventoryServiceStub(channel)
        return inventory.GetStock(api.inventory_pb2.GetStockRequest(sku="WIDGET"), timeout=10).available
    finally:
        channel.close()
