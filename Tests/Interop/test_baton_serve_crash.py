"""Crash recovery of `baton serve`: SIGKILL while hundreds of sagas are in flight, restart on the
same SQLite file, and every acknowledged saga finishes; none is lost, none runs twice to a
different end, and the store passes SQLite's integrity check.
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


def test_sigkill_during_500_sagas_loses_none(api, start_baton_serve, tmp_path):
    store = tmp_path / "crash.sqlite"
    server = start_baton_serve(store=f"sqlite:{store}")
    baton = Baton(api, server)
    orders = [f"crash-{index:03d}" for index in range(SAGAS)]

    # Start every saga; kill the server while they run (after the first acknowledgements).
    with ThreadPoolExecutor(max_workers=32) as pool:
        futures = [pool.submit(baton.place_order, order) for order in orders]
        while sum(f.done() for f in futures) < SAGAS // 5:
            time.sleep(0.005)
        server.proc.kill()
        server.proc.wait(timeout=10)
    acknowledged = {orders[i] for i, f in enumerate(futures) if f.exception() is None}
    assert acknowledged, "nothing was acknowledged before the kill"
    baton.channel.close()
    with sqlite3.connect(store) as db:
        unfinished = db.execute("SELECT COUNT(*) FROM workflows WHERE finished = 0").fetchone()[0]
    assert unfinished > 0, "the kill came too late: no saga was in flight"

    # Restart on the same file; resubmit every order (idempotent), then wait for all of them.
    restarted = start_baton_serve(store=f"sqlite:{store}")
    baton = Baton(api, restarted)
    deadline = time.monotonic() + 60
    with ThreadPoolExecutor(max_workers=16) as pool:
        ids = list(pool.map(lambda order: place_until_accepted(baton, order, deadline), orders))
    assert ids == [f"PlaceOrder-{order}" for order in orders]
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

    with sqlite3.connect(store) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
