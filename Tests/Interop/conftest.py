"""Fixtures for Baton's gRPC interoperability tests (pytest Tests/Interop -q).

The Baton binaries come from `swift build` (`.build/debug`, or `$BATON_BIN_DIR`); tests that
need them are skipped when they are missing. Every test runs under a hard wall-clock limit
(`$BATON_INTEROP_TEST_TIMEOUT`, default 30 s) so a hung call fails instead of stalling the run.
"""

from __future__ import annotations

import os
import signal
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
import interop_support as support  # noqa: E402

TEST_TIMEOUT = float(os.environ.get("BATON_INTEROP_TEST_TIMEOUT", "30"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    def on_alarm(signum, frame):
        raise TimeoutError(f"{item.nodeid} exceeded the {TEST_TIMEOUT:g}s per-test limit")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, TEST_TIMEOUT)
    try:
        return (yield)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="session")
def pb(tmp_path_factory):
    """The generated grpc.testing and grpc.health.v1 modules (see support.load_grpc_modules)."""
    return support.load_grpc_modules(str(tmp_path_factory.mktemp("grpc_pb2")))


@pytest.fixture(scope="session")
def server_binary():
    if not os.access(support.SERVER_BINARY, os.X_OK):
        pytest.skip(f"{support.SERVER_BINARY} not built (swift build)")
    return support.SERVER_BINARY


@pytest.fixture(scope="session")
def client_binary():
    if not os.access(support.CLIENT_BINARY, os.X_OK):
        pytest.skip(f"{support.CLIENT_BINARY} not built (swift build)")
    return support.CLIENT_BINARY


@pytest.fixture(scope="session")
def baton_server(server_binary, tmp_path_factory):
    """One `baton-interop-server` for the session; must exit 0 on SIGTERM at the end."""
    log_path = str(tmp_path_factory.mktemp("baton_server") / "server.log")
    server = support.BatonServerProcess(log_path, binary=server_binary)
    yield server
    alive = server.alive()
    code = server.stop(timeout=15)
    assert alive, f"baton-interop-server died during the session (exit {server.proc.returncode}); log: {server.log_tail()}"
    assert code == 0, f"baton-interop-server exited {code} after SIGTERM (None = hung, killed); log: {server.log_tail()}"


@pytest.fixture
def start_baton_server(server_binary, tmp_path):
    """Factory for extra server processes (graceful-shutdown and abuse tests); killed at teardown."""
    started = []

    def start():
        server = support.BatonServerProcess(str(tmp_path / f"server{len(started)}.log"), binary=server_binary)
        started.append(server)
        return server

    yield start
    for server in started:
        server.kill()


@pytest.fixture(scope="session")
def channel(baton_server):
    ch = support.make_channel(baton_server.address)
    yield ch
    ch.close()


@pytest.fixture(scope="session")
def stub(pb, channel):
    return pb.test_pb2_grpc.TestServiceStub(channel)


@pytest.fixture(scope="session")
def health_stub(pb, channel):
    return pb.health_pb2_grpc.HealthStub(channel)


# --------------------------------------------------------------------------------------------
# The coordination server (`baton serve`)
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def api(tmp_path_factory):
    """The generated modules of Baton's own API (see support.load_baton_modules)."""
    return support.load_baton_modules(str(tmp_path_factory.mktemp("baton_pb2")))


@pytest.fixture(scope="session")
def baton_binary():
    if not os.access(support.BATON_BINARY, os.X_OK):
        pytest.skip(f"{support.BATON_BINARY} not built (swift build)")
    return support.BATON_BINARY


@pytest.fixture
def start_baton_serve(baton_binary, tmp_path):
    """Factory for `baton serve` processes on free ports with a SQLite store under tmp_path
    (the same file for every start unless `store` is given); killed at teardown."""
    started = []

    def start(store: str | None = None, extra: tuple[str, ...] = ()):
        args = [baton_binary, "serve", "--host", "127.0.0.1", "--port", "0", "--http-port", "0",
                "--store", store or f"sqlite:{tmp_path / 'baton.sqlite'}", *extra]
        server = support.BatonServerProcess(str(tmp_path / f"serve{len(started)}.log"), binary=baton_binary, args=args)
        started.append(server)
        return server

    yield start
    for server in started:
        server.kill()


@pytest.fixture
def baton_serve(start_baton_serve):
    """One `baton serve` for a test; it must exit 0 on SIGTERM at the end."""
    server = start_baton_serve()
    yield server
    alive = server.alive()
    code = server.stop(timeout=20)
    assert alive, f"baton serve died during the test (exit {server.proc.returncode}); log: {server.log_tail()}"
    assert code == 0, f"baton serve exited {code} after SIGTERM (None = hung, killed); log: {server.log_tail()}"
