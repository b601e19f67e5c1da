"""grpcio (Python) client → `baton-interop-server`: gRPC's interop cases, health, concurrency and
graceful shutdown. Spec: /work/shared/GRPC-WIRE.md ("Interop test cases", "Health").

Run: pytest Tests/Interop/test_grpcio_client_interop.py   (needs .build/debug/baton-interop-server)
"""

from __future__ import annotations

import queue
import threading
import time

import grpc
import pytest

import interop_support as support

CALL_TIMEOUT = 10  # seconds, for every call in this file

REQUEST_SIZES = [27182, 8, 1828, 45904]
RESPONSE_SIZES = [31415, 9, 2653, 58979]
ECHO_INITIAL = ("x-grpc-test-echo-initial", "test_initial_metadata_value")
ECHO_TRAILING = ("x-grpc-test-echo-trailing-bin", b"\xab\xab\xab")


class RequestQueue:
    """A blocking request iterator for bidirectional calls: put() requests, close() to half-close."""

    _END = object()

    def __init__(self):
        self._queue = queue.Queue()

    def put(self, request):
        self._queue.put(request)

    def close(self):
        self._queue.put(self._END)

    def __iter__(self):
        return self

    def __next__(self):
        item = self._queue.get(timeout=CALL_TIMEOUT + 5)
        if item is self._END:
            raise StopIteration
        return item


def streaming_request(pb, response_sizes, payload_size=0, interval_us=0):
    messages = pb.messages_pb2
    return messages.StreamingOutputCallRequest(
        response_type=messages.COMPRESSABLE,
        response_parameters=[messages.ResponseParameters(size=s, interval_us=interval_us) for s in response_sizes],
        payload=messages.Payload(body=b"\x00" * payload_size),
    )


def assert_zero_payload(payload, size, pb):
    assert len(payload.body) == size, f"payload of {len(payload.body)} bytes, expected {size}"
    assert payload.body == b"\x00" * size, "payload is not all zero bytes"
    assert payload.type == pb.messages_pb2.COMPRESSABLE


def metadata_value(metadata, key):
    values = [value for k, value in (metadata or ()) if k == key]
    assert len(values) <= 1, f"{key} appears {len(values)} times in {metadata}"
    return values[0] if values else None


# ---------------------------------------------------------------------------------------------
# The interop cases
# ---------------------------------------------------------------------------------------------


def test_empty_unary(pb, stub):
    response, call = stub.EmptyCall.with_call(pb.empty_pb2.Empty(), timeout=CALL_TIMEOUT)
    assert response == pb.empty_pb2.Empty()
    assert response.ByteSize() == 0
    assert call.code() == grpc.StatusCode.OK


def test_large_unary(pb, stub):
    messages = pb.messages_pb2
    request = messages.SimpleRequest(
        response_type=messages.COMPRESSABLE,
        response_size=314159,
        payload=messages.Payload(body=b"\x00" * 271828),
    )
    response = stub.UnaryCall(request, timeout=CALL_TIMEOUT)
    assert_zero_payload(response.payload, 314159, pb)


@pytest.mark.parametrize(
    "request_size,response_size",
    [(2 * 1024 * 1024, 1), (4 * 1024 * 1024 - 64, 1), (1, 3 * 1024 * 1024)],
    ids=["request_2MiB", "request_just_under_4MiB", "response_3MiB"],
)
def test_large_messages_up_to_the_limit(pb, stub, request_size, response_size):
    """Messages up to the 4 MiB maximum must get through in both directions (flow control
    across many WINDOW_UPDATEs)."""
    messages = pb.messages_pb2
    request = messages.SimpleRequest(response_size=response_size, payload=messages.Payload(body=b"\x00" * request_size))
    response = stub.UnaryCall(request, timeout=CALL_TIMEOUT)
    assert_zero_payload(response.payload, response_size, pb)


def test_client_streaming(pb, stub):
    messages = pb.messages_pb2
    requests = [messages.StreamingInputCallRequest(payload=messages.Payload(body=b"\x00" * size)) for size in REQUEST_SIZES]
    response, call = stub.StreamingInputCall.with_call(iter(requests), timeout=CALL_TIMEOUT)
    assert response.aggregated_payload_size == 74922
    assert call.code() == grpc.StatusCode.OK


def test_server_streaming(pb, stub):
    call = stub.StreamingOutputCall(streaming_request(pb, RESPONSE_SIZES), timeout=CALL_TIMEOUT)
    responses = list(call)
    assert [len(r.payload.body) for r in responses] == RESPONSE_SIZES
    for response, size in zip(responses, RESPONSE_SIZES):
        assert_zero_payload(response.payload, size, pb)
    assert call.code() == grpc.StatusCode.OK


def test_ping_pong(pb, stub):
    requests = RequestQueue()
    call = stub.FullDuplexCall(requests, timeout=CALL_TIMEOUT)
    try:
        for request_size, response_size in zip(REQUEST_SIZES, RESPONSE_SIZES):
            requests.put(streaming_request(pb, [response_size], payload_size=request_size))
            response = next(call)
            assert_zero_payload(response.payload, response_size, pb)
        requests.close()
        with pytest.raises(StopIteration):
            next(call)
        assert call.code() == grpc.StatusCode.OK
    finally:
        requests.close()
        call.cancel()


def test_empty_stream(pb, stub):
    call = stub.FullDuplexCall(iter([]), timeout=CALL_TIMEOUT)
    assert list(call) == []
    assert call.code() == grpc.StatusCode.OK


def test_custom_metadata_unary(pb, stub):
    messages = pb.messages_pb2
    request = messages.SimpleRequest(
        response_type=messages.COMPRESSABLE,
        response_size=314159,
        payload=messages.Payload(body=b"\x00" * 271828),
    )
    response, call = stub.UnaryCall.with_call(request, metadata=[ECHO_INITIAL, ECHO_TRAILING], timeout=CALL_TIMEOUT)
    assert_zero_payload(response.payload, 314159, pb)
    assert metadata_value(call.initial_metadata(), ECHO_INITIAL[0]) == ECHO_INITIAL[1]
    assert metadata_value(call.trailing_metadata(), ECHO_TRAILING[0]) == ECHO_TRAILING[1]


def test_custom_metadata_full_duplex(pb, stub):
    requests = [streaming_request(pb, [314159], payload_size=271828)]
    call = stub.FullDuplexCall(iter(requests), metadata=[ECHO_INITIAL, ECHO_TRAILING], timeout=CALL_TIMEOUT)
    responses = list(call)
    assert [len(r.payload.body) for r in responses] == [314159]
    assert call.code() == grpc.StatusCode.OK
    assert metadata_value(call.initial_metadata(), ECHO_INITIAL[0]) == ECHO_INITIAL[1]
    assert metadata_value(call.trailing_metadata(), ECHO_TRAILING[0]) == ECHO_TRAILING[1]


def _expect_echoed_status(pb, stub, message):
    messages = pb.messages_pb2
    status = messages.EchoStatus(code=2, message=message)

    with pytest.raises(grpc.RpcError) as unary:
        stub.UnaryCall(messages.SimpleRequest(response_status=status), timeout=CALL_TIMEOUT)
    assert unary.value.code() == grpc.StatusCode.UNKNOWN
    assert unary.value.details() == message

    call = stub.FullDuplexCall(iter([messages.StreamingOutputCallRequest(response_status=status)]), timeout=CALL_TIMEOUT)
    with pytest.raises(grpc.RpcError) as streaming:
        list(call)
    assert streaming.value.code() == grpc.StatusCode.UNKNOWN
    assert streaming.value.details() == message


def test_status_code_and_message(pb, stub):
    _expect_echoed_status(pb, stub, "test status message")


def test_special_status_message(pb, stub):
    _expect_echoed_status(pb, stub, support.SPECIAL_STATUS_MESSAGE)


def test_unimplemented_method(pb, channel):
    call = channel.unary_unary(
        "/grpc.testing.TestService/UnimplementedCall",
        request_serializer=pb.empty_pb2.Empty.SerializeToString,
        response_deserializer=pb.empty_pb2.Empty.FromString,
    )
    with pytest.raises(grpc.RpcError) as error:
        call(pb.empty_pb2.Empty(), timeout=CALL_TIMEOUT)
    assert error.value.code() == grpc.StatusCode.UNIMPLEMENTED


def test_unimplemented_method_declared_in_proto(pb, stub):
    """`UnimplementedMethod` is in this repo's test.proto; the server implements it as UNIMPLEMENTED."""
    with pytest.raises(grpc.RpcError) as error:
        stub.UnimplementedMethod(pb.empty_pb2.Empty(), timeout=CALL_TIMEOUT)
    assert error.value.code() == grpc.StatusCode.UNIMPLEMENTED


def test_unimplemented_service(pb, channel):
    call = channel.unary_unary(
        "/grpc.testing.UnimplementedService/UnimplementedCall",
        request_serializer=pb.empty_pb2.Empty.SerializeToString,
        response_deserializer=pb.empty_pb2.Empty.FromString,
    )
    with pytest.raises(grpc.RpcError) as error:
        call(pb.empty_pb2.Empty(), timeout=CALL_TIMEOUT)
    assert error.value.code() == grpc.StatusCode.UNIMPLEMENTED


def test_cancel_after_begin(pb, stub):
    requests = RequestQueue()
    future = stub.StreamingInputCall.future(requests, timeout=CALL_TIMEOUT)
    time.sleep(0.05)
    assert future.cancel()
    requests.close()
    assert future.cancelled()
    assert future.code() == grpc.StatusCode.CANCELLED
    # The server must have coped with the reset stream.
    assert stub.EmptyCall(pb.empty_pb2.Empty(), timeout=CALL_TIMEOUT) == pb.empty_pb2.Empty()


def test_cancel_after_first_response(pb, stub):
    requests = RequestQueue()
    call = stub.FullDuplexCall(requests, timeout=CALL_TIMEOUT)
    requests.put(streaming_request(pb, [31415], payload_size=27182))
    first = next(call)
    assert len(first.payload.body) == 31415
    call.cancel()
    requests.close()
    with pytest.raises(grpc.RpcError) as error:
        next(call)
    assert error.value.code() == grpc.StatusCode.CANCELLED
    assert stub.EmptyCall(pb.empty_pb2.Empty(), timeout=CALL_TIMEOUT) == pb.empty_pb2.Empty()


def test_timeout_on_sleeping_server(pb, stub):
    requests = RequestQueue()
    requests.put(streaming_request(pb, [31415], payload_size=27182))
    call = stub.FullDuplexCall(requests, timeout=0.001)
    try:
        with pytest.raises(grpc.RpcError) as error:
            list(call)
        assert error.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    finally:
        requests.close()
    assert stub.EmptyCall(pb.empty_pb2.Empty(), timeout=CALL_TIMEOUT) == pb.empty_pb2.Empty()


# ---------------------------------------------------------------------------------------------
# interval_us, health, concurrency
# ---------------------------------------------------------------------------------------------


def test_interval_us_is_honoured(pb, stub):
    interval_us = 100_000
    count = 4
    started = time.monotonic()
    arrivals = []
    call = stub.StreamingOutputCall(streaming_request(pb, [10] * count, interval_us=interval_us), timeout=CALL_TIMEOUT)
    for response in call:
        arrivals.append(time.monotonic())
        assert len(response.payload.body) == 10
    assert call.code() == grpc.StatusCode.OK
    assert len(arrivals) == count
    total = arrivals[-1] - started
    assert total >= 0.8 * count * interval_us / 1e6, f"{count} replies with {interval_us}us pauses took only {total:.3f}s"
    gaps = [b - a for a, b in zip([started, *arrivals], arrivals)]
    # Each reply is preceded by its own pause (not all pauses first, then a burst).
    assert min(gaps) >= 0.5 * interval_us / 1e6, f"reply gaps {[round(g, 3) for g in gaps]}"


def test_health_check_server(pb, health_stub):
    health = pb.health_pb2
    response = health_stub.Check(health.HealthCheckRequest(service=""), timeout=CALL_TIMEOUT)
    assert response.status == health.HealthCheckResponse.SERVING


def test_health_check_unknown_service(pb, health_stub):
    health = pb.health_pb2
    with pytest.raises(grpc.RpcError) as error:
        health_stub.Check(health.HealthCheckRequest(service="no.such.Service"), timeout=CALL_TIMEOUT)
    assert error.value.code() == grpc.StatusCode.NOT_FOUND


def _first_message(call, timeout=5.0):
    """next(call) with a bound; cancels the call if nothing arrives in time."""
    result = {}

    def read():
        try:
            result["message"] = next(call)
        except Exception as error:  # noqa: BLE001
            result["error"] = error

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout)
    if reader.is_alive():
        call.cancel()
        reader.join(5)
        pytest.fail(f"no message within {timeout}s")
    if "error" in result:
        raise result["error"]
    return result["message"]


def test_health_watch_server(pb, health_stub):
    health = pb.health_pb2
    call = health_stub.Watch(health.HealthCheckRequest(service=""), timeout=CALL_TIMEOUT)
    try:
        assert _first_message(call).status == health.HealthCheckResponse.SERVING
    finally:
        call.cancel()


def test_health_watch_unknown_service(pb, health_stub):
    """Watch of an unknown service: SERVICE_UNKNOWN at once, and the call stays open."""
    health = pb.health_pb2
    call = health_stub.Watch(health.HealthCheckRequest(service="no.such.Service"), timeout=CALL_TIMEOUT)
    try:
        assert _first_message(call).status == health.HealthCheckResponse.SERVICE_UNKNOWN
        time.sleep(0.3)
        assert call.is_active(), f"Watch ended: {call.code()} {call.details()}"
    finally:
        call.cancel()


def test_many_concurrent_unary_calls_on_one_channel(pb, stub):
    messages = pb.messages_pb2
    futures = [
        stub.UnaryCall.future(
            messages.SimpleRequest(response_size=1000 + i, payload=messages.Payload(body=b"\x00" * i)),
            timeout=20,
        )
        for i in range(200)
    ]
    sizes = [len(f.result(timeout=25).payload.body) for f in futures]
    assert sizes == [1000 + i for i in range(200)]


def test_concurrent_streams_over_the_limit_on_one_channel(pb, stub):
    """150 open bidirectional calls at once (server limit 100 per connection): grpcio queues the
    rest; when the first ones finish, all must complete."""
    calls = []
    queues = []
    for _ in range(150):
        requests = RequestQueue()
        queues.append(requests)
        calls.append(stub.FullDuplexCall(requests, timeout=20))
    try:
        for requests in queues:
            requests.put(streaming_request(pb, [7]))
            requests.close()
        for call in calls:
            responses = list(call)
            assert [len(r.payload.body) for r in responses] == [7]
            assert call.code() == grpc.StatusCode.OK
    finally:
        for requests in queues:
            requests.close()
        for call in calls:
            call.cancel()


# ---------------------------------------------------------------------------------------------
# Graceful shutdown (its own server process)
# ---------------------------------------------------------------------------------------------


def test_graceful_shutdown_flips_health_and_exits_zero(pb, start_baton_server):
    server = start_baton_server()
    health = pb.health_pb2
    channel = support.make_channel(server.address)
    try:
        health_stub = pb.health_pb2_grpc.HealthStub(channel)
        call = health_stub.Watch(health.HealthCheckRequest(service=""), timeout=20)
        assert _first_message(call).status == health.HealthCheckResponse.SERVING

        signalled = time.monotonic()
        server.terminate()
        statuses = []
        try:
            while True:
                message = _first_message(call, timeout=10)
                statuses.append(message.status)
                if message.status != health.HealthCheckResponse.SERVING:
                    break
        except StopIteration:
            pass
        except grpc.RpcError as error:
            statuses.append(f"ended with {error.code()}")
        assert health.HealthCheckResponse.NOT_SERVING in statuses, f"Watch after SIGTERM saw {statuses}"

        try:
            code = server.proc.wait(timeout=10)
        except Exception:  # noqa: BLE001
            code = None
        elapsed = time.monotonic() - signalled
        assert code == 0, f"exit code {code} ({elapsed:.1f}s after SIGTERM; None = still running); log: {server.log_tail()}"
        assert server.stdout_lines == [f"listening on {server.address}"], server.stdout_lines
    finally:
        channel.close()
        server.kill()


def test_graceful_shutdown_lets_inflight_call_finish(pb, start_baton_server):
    """A call in progress when SIGTERM arrives completes normally (drain), then the server exits 0."""
    server = start_baton_server()
    channel = support.make_channel(server.address)
    try:
        stub = pb.test_pb2_grpc.TestServiceStub(channel)
        call = stub.StreamingOutputCall(streaming_request(pb, [5, 6], interval_us=500_000), timeout=15)
        time.sleep(0.2)
        server.terminate()
        responses = list(call)
        assert [len(r.payload.body) for r in responses] == [5, 6]
        assert call.code() == grpc.StatusCode.OK
        code = server.proc.wait(timeout=10)
        assert code == 0, f"exit code {code}; log: {server.log_tail()}"
        assert support.wait_for_port_closed(server.port, 2)
    finally:
        channel.close()
        server.kill()
