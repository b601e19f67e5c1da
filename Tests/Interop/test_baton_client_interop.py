"""Baton's client (`baton-interop-client`) → a grpcio TestService server (python_interop_server.py),
one interop case per test. Spec: /work/shared/GRPC-WIRE.md ("Interop test cases").

Run: pytest Tests/Interop/test_baton_client_interop.py   (needs .build/debug/baton-interop-client)
"""

from __future__ import annotations

import subprocess

import pytest

import python_interop_server

CASES = [
    "empty_unary",
    "large_unary",
    "client_streaming",
    "server_streaming",
    "ping_pong",
    "empty_stream",
    "custom_metadata",
    "status_code_and_message",
    "special_status_message",
    "unimplemented_method",
    "unimplemented_service",
    "cancel_after_begin",
    "cancel_after_first_response",
    "timeout_on_sleeping_server",
]
CLIENT_TIMEOUT = 25  # seconds per client run


@pytest.fixture(scope="module")
def python_server(pb):
    server, port = python_interop_server.serve(pb)
    yield port
    server.stop(grace=1).wait(5)


def run_client(client_binary, port, cases):
    try:
        return subprocess.run(
            [client_binary, "--host", "127.0.0.1", "--port", str(port), "--cases", ",".join(cases)],
            capture_output=True,
            text=True,
            timeout=CLIENT_TIMEOUT,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"baton-interop-client hung for {CLIENT_TIMEOUT}s on {cases}; output: {error.stdout!r} {error.stderr!r}")


@pytest.mark.parametrize("case", CASES)
def test_baton_client_against_grpcio_server(client_binary, python_server, case):
    result = run_client(client_binary, python_server, [case])
    output = f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr[-3000:]}"
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert f"PASS {case}" in lines, output
    assert not any(line.startswith("FAIL") for line in lines), output
    assert lines[-1] == "1 passed, 0 failed", output
    assert result.returncode == 0, output


def test_baton_client_reports_failures(client_binary, pb):
    """The client must be able to fail: against a server that answers every call with
    UNIMPLEMENTED, empty_unary FAILs and the exit code is non-zero."""
    import grpc  # noqa: PLC0415
    from concurrent import futures  # noqa: PLC0415

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        result = run_client(client_binary, port, ["empty_unary", "unimplemented_service"])
    finally:
        server.stop(0)
    output = f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr[-3000:]}"
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert any(line.startswith("FAIL empty_unary") for line in lines), output
    assert "PASS unimplemented_service" in lines, output
    assert lines[-1] == "1 passed, 1 failed", output
    assert result.returncode != 0, output


def test_baton_client_all_cases_in_one_run(client_binary, python_server):
    """All cases in one process (one connection reused across cases)."""
    result = run_client(client_binary, python_server, CASES)
    output = f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr[-3000:]}"
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    for case in CASES:
        assert f"PASS {case}" in lines, output
    assert lines[-1] == f"{len(CASES)} passed, 0 failed", output
    assert result.returncode == 0, output
