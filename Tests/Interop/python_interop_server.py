"""A grpcio implementation of `grpc.testing.TestService` with the semantics of grpc's own
interop server (grpc/src/python/grpcio_tests/tests/interop/service.py):

- payloads of the requested sizes (all zero bytes, type COMPRESSABLE), `interval_us` pauses
  before each streamed reply;
- `response_status` echoed as the call's status (unary and each FullDuplexCall request);
- `x-grpc-test-echo-initial` echoed in the initial metadata, `x-grpc-test-echo-trailing-bin`
  in the trailers;
- `UnimplementedCall` (and any unknown method or service) → UNIMPLEMENTED.

Used in-process by test_baton_client_interop.py; runnable on its own too:
    python3 Tests/Interop/python_interop_server.py --port 50051
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from concurrent import futures

import grpc

sys.path.insert(0, os.path.dirname(__file__))
import interop_support as support  # noqa: E402

ECHO_INITIAL = "x-grpc-test-echo-initial"
ECHO_TRAILING = "x-grpc-test-echo-trailing-bin"
STATUS_BY_CODE = {code.value[0]: code for code in grpc.StatusCode}


def make_servicer(pb):
    messages = pb.messages_pb2
    empty = pb.empty_pb2

    def payload(size: int):
        return messages.Payload(type=messages.COMPRESSABLE, body=b"\x00" * max(0, size))

    def echo_metadata(context):
        metadata = dict(context.invocation_metadata())
        if ECHO_INITIAL in metadata:
            context.send_initial_metadata(((ECHO_INITIAL, metadata[ECHO_INITIAL]),))
        if ECHO_TRAILING in metadata:
            context.set_trailing_metadata(((ECHO_TRAILING, metadata[ECHO_TRAILING]),))

    def maybe_abort(request, context):
        if request.HasField("response_status") and request.response_status.code != 0:
            code = STATUS_BY_CODE.get(request.response_status.code, grpc.StatusCode.UNKNOWN)
            context.abort(code, request.response_status.message)

    def respond(request, context):
        maybe_abort(request, context)
        for parameters in request.response_parameters:
            if parameters.interval_us > 0:
                time.sleep(parameters.interval_us / 1e6)
            if not context.is_active():
                return
            yield messages.StreamingOutputCallResponse(payload=payload(parameters.size))

    class TestService(pb.test_pb2_grpc.TestServiceServicer):
        def EmptyCall(self, request, context):
            echo_metadata(context)
            return empty.Empty()

        def UnaryCall(self, request, context):
            echo_metadata(context)
            maybe_abort(request, context)
            return messages.SimpleResponse(payload=payload(request.response_size))

        def StreamingOutputCall(self, request, context):
            echo_metadata(context)
            yield from respond(request, context)

        def StreamingInputCall(self, request_iterator, context):
            echo_metadata(context)
            total = sum(len(request.payload.body) for request in request_iterator)
            return messages.StreamingInputCallResponse(aggregated_payload_size=total)

        def FullDuplexCall(self, request_iterator, context):
            echo_metadata(context)
            for request in request_iterator:
                yield from respond(request, context)

        def HalfDuplexCall(self, request_iterator, context):
            echo_metadata(context)
            for request in list(request_iterator):
                yield from respond(request, context)

        def UnimplementedMethod(self, request, context):
            context.abort(grpc.StatusCode.UNIMPLEMENTED, "UnimplementedCall is not implemented")

    return TestService()


def serve(pb, host: str = "127.0.0.1", port: int = 0, workers: int = 32):
    """Starts the server; returns (server, bound port). Stop with server.stop(grace)."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=workers), maximum_concurrent_rpcs=None)
    pb.test_pb2_grpc.add_TestServiceServicer_to_server(make_servicer(pb), server)
    bound = server.add_insecure_port(f"{host}:{port}")
    if bound == 0:
        raise RuntimeError(f"could not bind {host}:{port}")
    server.start()
    return server, bound


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=50051)
    args = parser.parse_args()
    pb = support.load_grpc_modules(tempfile.mkdtemp(prefix="baton-interop-pb2-"))
    server, port = serve(pb, args.host, args.port)
    print(f"listening on {args.host}:{port}", flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    main()
