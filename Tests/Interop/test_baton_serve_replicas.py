"""Several `baton serve` replicas on one PostgreSQL database: replica 1 is SIGKILLed while 100
PlaceOrder sagas are in flight, and replica 2 takes its workflows over once their leases lapse
and finishes every one; none is lost or started twice.

Needs a real PostgreSQL server: `BATON_TEST_POSTGRES_URL` (dev/test starts a throwaway one).
Without it these tests fail, unless `BATON_TEST_POSTGRES=skip` leaves them out. Each test works
in a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import os
import subprocess
import uuid

import pytest

from test_baton_serve import Baton
from test_baton_serve_crash import place_again, place_then_kill

ORDERS = 100
LEASE = ("--lease-seconds", "1")


def psql(url: str, sql: str) -> str:
    """Runs one statement with `psql` and returns its unaligned output."""
    done = subprocess.run(["psql", url, "-X", "-A", "-t", "-q", "-c", sql], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, f"psql failed: {done.stderr}"
    return done.stdout.strip()


@pytest.fixture
def postgres():
    """(server URL, store URL in a fresh schema, schema name); the schema is dropped afterwards."""
    url = os.environ.get("BATON_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("BATON_TEST_POSTGRES") == "skip":
            pytest.skip("BATON_TEST_POSTGRES=skip")
        pytest.fail("BATON_TEST_POSTGRES_URL is not set, and these tests need a real PostgreSQL server: run them with dev/test "
                    "(it starts a throwaway one), or start one and export BATON_TEST_POSTGRES_URL=postgres://USER:PASSWORD@127.0.0.1:PORT/DB "
                    "(or set BATON_TEST_POSTGRES=skip to leave them out)")
    schema = f"interop_{uuid.uuid4().hex[:12]}"
    store = f"{url}{'&' if '?' in url else '?'}schema={schema}"
    yield url, store, schema
    psql(url, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def test_replica_killed_mid_flight_is_taken_over_and_nothing_is_lost(api, start_baton_serve, postgres):
    url, store, schema = postgres
    replica1 = start_baton_serve(store=store, extra=("--owner", "replica-1", "--adapters", "inmemory", *LEASE))
    replica2 = start_baton_serve(store=store, extra=("--owner", "replica-2", "--adapters", "inmemory", *LEASE))
    one = Baton(api, replica1)
    orders = [f"replica-{index:03d}" for index in range(ORDERS)]

    # Start every saga on replica 1; kill it while they run (after the first acknowledgements).
    place_then_kill(one, replica1, orders)
    owners = psql(url, f'SELECT DISTINCT owner FROM "{schema}".workflows WHERE NOT finished')
    assert owners == "replica-1", f"the kill came too late (no saga in flight) or replica 2 held some early: {owners!r}"

    # Replica 2 accepts every order again (start is idempotent), takes over what replica 1 left
    # once its leases lapse, and finishes everything.
    two = Baton(api, replica2)
    ids = place_again(two, orders, timeout=20)
    for workflow_id in ids:
        workflow = two.wait(workflow_id, timeout=20)
        assert two.status_name(workflow.status) in ("COMPLETED", "COMPENSATED"), workflow

    listed = two.workflows.ListWorkflows(two.wf.ListWorkflowsRequest(workflow_type="PlaceOrder", page_size=1), timeout=10)
    assert listed.total == ORDERS, "a saga was lost or started twice"
    for workflow_id in ids[:30]:
        kinds = [e.event_type for e in two.history(workflow_id)]
        assert kinds.count("WorkflowCreated") == 1, kinds
    assert psql(url, f'SELECT count(*) FROM "{schema}".workflows WHERE NOT finished OR owner IS NOT NULL') == "0"
    two.channel.close()
    assert replica2.stop(timeout=20) == 0, replica2.log_tail()


def test_unreachable_postgres_is_a_clear_error_not_a_hang(start_baton_serve):
    with pytest.raises(RuntimeError, match="cannot connect to PostgreSQL at 127.0.0.1:1 "):
        start_baton_serve(store="postgres://baton:wrong@127.0.0.1:1/baton?connect_timeout=2")
