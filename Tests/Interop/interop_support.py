"""Shared helpers for Baton's gRPC interoperability tests.

- `load_grpc_modules`: compiles grpc's interop and health protos from `proto/` with
  `grpc_tools.protoc` into a scratch directory and imports the `_pb2` / `_pb2_grpc` modules.
- `BatonServerProcess`: starts `baton-interop-server --port 0`, parses the port from its one
  stdout line and stops it with SIGTERM, reporting the exit code.
- `H2Client` / `raw_grpc_call`: speak raw HTTP/2 (the `h2` library over a plain socket) so the
  tests can send what no well-behaved gRPC client would.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import types
from dataclasses import dataclass, field

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PROTO_ROOT = os.path.join(REPO_ROOT, "proto")
PROTO_FILES = [
    "grpc/testing/empty.proto",
    "grpc/testing/messages.proto",
    "grpc/testing/test.proto",
    "grpc/health/v1/health.proto",
    "grpc/reflection/v1/reflection.proto",
]
BIN_DIR = os.environ.get("BATON_BIN_DIR", os.path.join(REPO_ROOT, ".build", "debug"))
SERVER_BINARY = os.path.join(BIN_DIR, "baton-interop-server")
CLIENT_BINARY = os.path.join(BIN_DIR, "baton-interop-client")
BATON_BINARY = os.path.join(BIN_DIR, "baton")

# Channel options for every grpcio channel: never go through an HTTP proxy from the environment.
CHANNEL_OPTIONS = [("grpc.enable_http_proxy", 0)]

SPECIAL_STATUS_MESSAGE = "\t\ntest with whitespace\r\nand Unicode BMP \u263a and non-BMP \U0001f608\t\n"

# --------------------------------------------------------------------------------------------
# Generated protobuf modules
# --------------------------------------------------------------------------------------------


def compile_protos(out_dir: str, files: list[str]) -> None:
    """Compiles `files` (paths under `proto/`) with `grpc_tools.protoc` into `out_dir`: the
    `_pb2` messages and `_pb2_grpc` stubs."""
    import grpc_tools  # noqa: PLC0415
    from grpc_tools import protoc  # noqa: PLC0415

    os.makedirs(out_dir, exist_ok=True)
    include = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    args = ["grpc_tools.protoc", f"-I{PROTO_ROOT}", f"-I{include}", f"--python_out={out_dir}",
            f"--grpc_python_out={out_dir}", *files]
    rc = protoc.main(args)
    if rc != 0:
        raise RuntimeError(f"grpc_tools.protoc failed with {rc}: {' '.join(args)}")


def load_grpc_modules(out_dir: str) -> types.SimpleNamespace:
    """Generates and imports empty_pb2, messages_pb2, test_pb2(_grpc), health_pb2(_grpc).

    The protos live in package directories `grpc/testing` and `grpc/health/v1`, which collide
    with grpcio's own `grpc` package; the generated directory is appended to `grpc.__path__` so
    that `grpc.testing.*_pb2` and `grpc.health.v1.*_pb2` resolve to the generated files.
    """
    import grpc  # noqa: PLC0415

    compile_protos(out_dir, PROTO_FILES)

    generated_grpc = os.path.join(out_dir, "grpc")
    if generated_grpc not in grpc.__path__:
        grpc.__path__.append(generated_grpc)

    import importlib  # noqa: PLC0415
    import importlib.util  # noqa: PLC0415

    ns = types.SimpleNamespace()
    ns.empty_pb2 = importlib.import_module("grpc.testing.empty_pb2")
    ns.messages_pb2 = importlib.import_module("grpc.testing.messages_pb2")
    ns.test_pb2 = importlib.import_module("grpc.testing.test_pb2")
    ns.test_pb2_grpc = importlib.import_module("grpc.testing.test_pb2_grpc")
    ns.health_pb2 = importlib.import_module("grpc.health.v1.health_pb2")
    ns.health_pb2_grpc = importlib.import_module("grpc.health.v1.health_pb2_grpc")
    reflection_path = os.path.join(generated_grpc, "reflection", "v1", "reflection_pb2.py")
    spec = importlib.util.spec_from_file_location("baton_interop_reflection_v1_pb2", reflection_path)
    ns.reflection_v1_pb2 = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ns.reflection_v1_pb2)
    return ns


# --------------------------------------------------------------------------------------------
# The Baton server process
# --------------------------------------------------------------------------------------------

LISTENING_LINE = re.compile(r"^listening on 127\.0\.0\.1:(\d+)(?: http (\d+))?$")


class BatonServerProcess:
    """A Baton server process on a free port (`baton-interop-server` unless `args` says
    otherwise, e.g. `[BATON_BINARY, "serve", …]`), with its stderr in `log_path`. It must print
    `listening on 127.0.0.1:PORT` (optionally followed by ` http PORT`) as its first line."""

    def __init__(self, log_path: str, binary: str = SERVER_BINARY, start_timeout: float = 20.0,
                 args: list[str] | None = None, env: dict | None = None):
        self.binary = binary
        self.log_path = log_path
        self.stdout_lines: list[str] = []
        self._lines: queue.Queue = queue.Queue()
        self._log = open(log_path, "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            args or [binary, "--host", "127.0.0.1", "--port", "0"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._log,
        )
        self._reader = threading.Thread(target=self._read_stdout, daemon=True)
        self._reader.start()
        try:
            line = self._lines.get(timeout=start_timeout)
        except queue.Empty:
            self.kill()
            raise RuntimeError(f"{binary} printed no listening line within {start_timeout}s; log: {self.log_tail()}")
        if line is None:
            code = self.proc.wait(timeout=5)
            raise RuntimeError(f"{binary} exited with {code} before listening; log: {self.log_tail()}")
        match = LISTENING_LINE.match(line)
        if not match:
            self.kill()
            raise RuntimeError(f"unexpected first stdout line {line!r}")
        self.port = int(match.group(1))
        self.http_port = int(match.group(2)) if match.group(2) else None
        if not 0 < self.port < 65536:
            self.kill()
            raise RuntimeError(f"bad port in {line!r}")
        self.address = f"127.0.0.1:{self.port}"

    def _read_stdout(self):
        for raw in self.proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self.stdout_lines.append(line)
            self._lines.put(line)
        self._lines.put(None)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def terminate(self):
        """Sends SIGTERM (graceful shutdown) without waiting."""
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)

    def stop(self, timeout: float = 15.0) -> int | None:
        """SIGTERM, then waits up to `timeout`; returns the exit code (None if it had to be killed)."""
        self.terminate()
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None
        finally:
            self._log.close()

    def kill(self):
        if self.alive():
            self.proc.kill()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass

    def _read_log(self) -> bytes | None:
        try:
            self._log.flush()
        except ValueError:
            pass
        try:
            with open(self.log_path, "rb") as f:
                return f.read()
        except OSError:
            return None

    def log_head(self, size: int = 3000) -> str:
        """The start of the log: for a crash, the Swift runtime's error and first frames."""
        data = self._read_log()
        return "<no log>" if data is None else data[:size].decode("utf-8", "replace")

    def log_tail(self, size: int = 4000) -> str:
        data = self._read_log()
        return "<no log>" if data is None else data[-size:].decode("utf-8", "replace")


def load_baton_modules(out_dir: str) -> types.SimpleNamespace:
    """Generates and imports the Python modules of Baton's own API (`proto/baton/…`) and of the
    atomic services (`proto/atomic/…`)."""
    files = []
    for top in ("baton", "atomic"):
        for root, _, names in os.walk(os.path.join(PROTO_ROOT, top)):
            files += [os.path.relpath(os.path.join(root, n), PROTO_ROOT) for n in names if n.endswith(".proto")]
    compile_protos(out_dir, sorted(f for f in files if not f.startswith("baton/testing/")))
    if out_dir not in sys.path:
        sys.path.insert(0, out_dir)
    import importlib  # noqa: PLC0415

    ns = types.SimpleNamespace()
    for module in ("workflow", "workflow_service", "event_service"):
        setattr(ns, f"{module}_pb2", importlib.import_module(f"baton.coordination.v1.{module}_pb2"))
    for module in ("workflow_service", "event_service"):
        setattr(ns, f"{module}_pb2_grpc", importlib.import_module(f"baton.coordination.v1.{module}_pb2_grpc"))
    ns.order_pb2 = importlib.import_module("baton.order_fulfillment.v1.order_fulfillment_pb2")
    ns.order_pb2_grpc = importlib.import_module("baton.order_fulfillment.v1.order_fulfillment_pb2_grpc")
    ns.identity_pb2 = importlib.import_module("baton.identity_operations.v1.identity_operations_pb2")
    ns.identity_pb2_grpc = importlib.import_module("baton.identity_operations.v1.identity_operations_pb2_grpc")
    for service in ("inventory", "payment", "shipping", "notifier", "faults"):
        setattr(ns, f"{service}_pb2", importlib.import_module(f"atomic.{service}.v1.{service}_pb2"))
        setattr(ns, f"{service}_pb2_grpc", importlib.import_module(f"atomic.{service}.v1.{service}_pb2_grpc"))
    # `identity_pb2` is the orchestrator's API above; the atomic identity service is `atomic_identity_pb2`.
    for service, name in (("identity", "atomic_identity"), ("tenant", "tenant"), ("audit", "audit"), ("session", "session"),
                          ("sales", "sales"), ("procurement", "procurement"), ("warehouse", "warehouse"),
                          ("receivable", "receivable"), ("valuation", "valuation")):
        setattr(ns, f"{name}_pb2", importlib.import_module(f"atomic.{service}.v1.{service}_pb2"))
        setattr(ns, f"{name}_pb2_grpc", importlib.import_module(f"atomic.{service}.v1.{service}_pb2_grpc"))
    return ns


def make_channel(address: str, ready_timeout: float = 10.0):
    """A grpcio insecure channel to `address`, connected (or TimeoutError-ish FutureTimeoutError)."""
    import grpc  # noqa: PLC0415

    channel = grpc.insecure_channel(address, options=CHANNEL_OPTIONS)
    grpc.channel_ready_future(channel).result(timeout=ready_timeout)
    return channel


def wait_for_port_closed(port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                pass
        except OSError:
            return True
        time.sleep(0.05)
    return False


# --------------------------------------------------------------------------------------------
# gRPC message framing
# --------------------------------------------------------------------------------------------


def grpc_frame(message: bytes, compressed: bool = False) -> bytes:
    """One length-prefixed gRPC message: flag byte, 4-byte big-endian length, bytes."""
    return struct.pack(">BI", 1 if compressed else 0, len(message)) + message


def parse_grpc_frames(data: bytes) -> list[tuple[int, bytes]]:
    """Splits a response body into (flag, message) pairs; raises on a truncated frame."""
    frames = []
    offset = 0
    while offset < len(data):
        if len(data) - offset < 5:
            raise ValueError(f"truncated gRPC frame header at {offset}: {data[offset:]!r}")
        flag, length = struct.unpack_from(">BI", data, offset)
        offset += 5
        if len(data) - offset < length:
            raise ValueError(f"truncated gRPC message: need {length}, have {len(data) - offset}")
        frames.append((flag, bytes(data[offset : offset + length])))
        offset += length
    return frames


def percent_decode(value: bytes) -> bytes:
    """grpc-message decoding (never fails; malformed escapes are kept literally)."""
    out = bytearray()
    i = 0
    while i < len(value):
        if value[i] == 0x25 and _is_hex(value[i + 1 : i + 3]):
            out.append(int(value[i + 1 : i + 3], 16))
            i += 3
        else:
            out.append(value[i])
            i += 1
    return bytes(out)


def _is_hex(two: bytes) -> bool:
    return len(two) == 2 and all(chr(b) in "0123456789abcdefABCDEF" for b in two)


# --------------------------------------------------------------------------------------------
# Raw HTTP/2
# --------------------------------------------------------------------------------------------


@dataclass
class StreamResult:
    """Everything one HTTP/2 stream received."""

    stream_id: int
    headers: list[tuple[str, bytes]] | None = None
    trailers: list[tuple[str, bytes]] | None = None
    data: bytearray = field(default_factory=bytearray)
    ended: bool = False  # END_STREAM received
    reset_code: int | None = None  # RST_STREAM received (error code)
    events: list = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.ended or self.reset_code is not None

    def header(self, name: str) -> bytes | None:
        for n, v in self.headers or []:
            if n == name:
                return v
        return None

    def trailer(self, name: str) -> bytes | None:
        """A trailer, or for a Trailers-Only response the same field in the headers."""
        for n, v in self.trailers or []:
            if n == name:
                return v
        if self.trailers is None and self.ended:
            return self.header(name)
        return None

    @property
    def http_status(self) -> int | None:
        value = self.header(":status")
        return int(value) if value is not None else None

    @property
    def grpc_status(self) -> int | None:
        value = self.trailer("grpc-status")
        return int(value) if value is not None else None

    @property
    def grpc_message(self) -> bytes | None:
        value = self.trailer("grpc-message")
        return percent_decode(value) if value is not None else None

    def messages(self) -> list[bytes]:
        return [message for _, message in parse_grpc_frames(bytes(self.data))]

    def describe(self) -> str:
        return (
            f"stream {self.stream_id}: headers={self.headers} trailers={self.trailers} "
            f"data={bytes(self.data[:80])!r}{'...' if len(self.data) > 80 else ''} "
            f"ended={self.ended} reset={self.reset_code}"
        )


class ConnectionGone(Exception):
    pass


class H2Client:
    """A minimal HTTP/2 client connection over a plain TCP socket (h2 state machine)."""

    def __init__(self, port: int, host: str = "127.0.0.1", timeout: float = 5.0, settings: dict | None = None,
                 validate_headers: bool = True):
        import h2.config  # noqa: PLC0415
        import h2.connection  # noqa: PLC0415

        self.port = port
        self.host = host
        self.send_timeout = timeout
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        config = h2.config.H2Configuration(
            client_side=True,
            header_encoding=None,
            validate_outbound_headers=validate_headers,
            normalize_outbound_headers=validate_headers,
        )
        self.conn = h2.connection.H2Connection(config=config)
        self.conn.initiate_connection()
        if settings:
            self.conn.update_settings(settings)
        self.streams: dict[int, StreamResult] = {}
        self.goaway = None  # h2.events.ConnectionTerminated
        self.eof = False  # nothing more can be read
        self.send_failed = False
        self.remote_settings: dict = {}
        self.settings_acked = False
        self.protocol_error: Exception | None = None
        self.events: list = []
        self.flush()

    # -- I/O ---------------------------------------------------------------------------------

    def flush(self):
        data = self.conn.data_to_send()
        if data:
            self._sendall(data)

    def _sendall(self, data: bytes):
        self.sock.settimeout(self.send_timeout)
        try:
            self.sock.sendall(data)
        except socket.timeout as error:
            # The peer stopped reading: not the same as closing the connection.
            raise TimeoutError(f"peer did not read {len(data)} bytes within {self.send_timeout}s") from error
        except OSError as error:
            # Writing failed (peer closed or reset); what it sent before may still be readable.
            self.send_failed = True
            raise ConnectionGone(str(error)) from error

    def send_raw(self, data: bytes):
        """Bytes straight onto the socket, bypassing the h2 state machine."""
        self._sendall(data)

    def pump(self, timeout: float) -> bool:
        """Reads whatever arrives within `timeout` and processes it. False once the peer closed."""
        import h2.exceptions  # noqa: PLC0415

        if self.eof:
            return False
        self.sock.settimeout(max(timeout, 0.001))
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return True
        except OSError:
            self.eof = True
            return False
        if not data:
            self.eof = True
            return False
        try:
            events = self.conn.receive_data(data)
        except h2.exceptions.ProtocolError as error:
            self.protocol_error = error
            self.eof = True
            return False
        for event in events:
            self._handle(event)
        if not self.send_failed:
            try:
                self.flush()
            except (ConnectionGone, TimeoutError):
                pass
        return True

    def _handle(self, event):
        import h2.events as ev  # noqa: PLC0415

        self.events.append(event)
        sid = getattr(event, "stream_id", None)
        result = self.streams.get(sid) if sid else None
        if isinstance(event, ev.ResponseReceived) and result is not None:
            result.headers = [(n.decode("latin-1"), v) for n, v in event.headers]
        elif isinstance(event, ev.TrailersReceived) and result is not None:
            result.trailers = [(n.decode("latin-1"), v) for n, v in event.headers]
        elif isinstance(event, ev.DataReceived):
            if result is not None:
                result.data.extend(event.data)
            if event.flow_controlled_length:
                try:
                    self.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                except Exception:  # noqa: BLE001 - stream may already be closed
                    pass
        elif isinstance(event, ev.StreamEnded) and result is not None:
            result.ended = True
        elif isinstance(event, ev.StreamReset) and result is not None:
            result.reset_code = int(event.error_code)
        elif isinstance(event, ev.ConnectionTerminated):
            self.goaway = event
        elif isinstance(event, ev.RemoteSettingsChanged):
            for code, change in event.changed_settings.items():
                self.remote_settings[int(code)] = change.new_value
        elif isinstance(event, ev.SettingsAcknowledged):
            self.settings_acked = True
        if result is not None:
            result.events.append(event)

    def wait_for(self, predicate, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not predicate():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            if not self.pump(min(remaining, 0.5)):
                return predicate()
        return True

    def handshake(self, timeout: float = 5.0) -> bool:
        """Waits for the server's SETTINGS and its ACK of ours."""
        return self.wait_for(lambda: bool(self.remote_settings) and self.settings_acked, timeout)

    # -- Requests ----------------------------------------------------------------------------

    def grpc_headers(self, path: str, content_type: str | None = "application/grpc", extra=None):
        headers = [
            (":method", "POST"),
            (":scheme", "http"),
            (":path", path),
            (":authority", f"{self.host}:{self.port}"),
            ("te", "trailers"),
        ]
        if content_type is not None:
            headers.append(("content-type", content_type))
        headers.extend(extra or [])
        return headers

    def start_request(self, path: str, content_type: str | None = "application/grpc", metadata=None,
                      end_stream: bool = False, headers=None) -> int:
        sid = self.conn.get_next_available_stream_id()
        self.streams[sid] = StreamResult(sid)
        all_headers = headers if headers is not None else self.grpc_headers(path, content_type, metadata)
        self.conn.send_headers(sid, all_headers, end_stream=end_stream)
        self.flush()
        return sid

    def send_data(self, sid: int, data: bytes, end_stream: bool = False, timeout: float = 5.0):
        """Sends `data` honouring flow control (waits for WINDOW_UPDATEs); stops quietly if the
        server resets the stream meanwhile."""
        import h2.exceptions  # noqa: PLC0415

        view = memoryview(data)
        deadline = time.monotonic() + timeout
        while len(view):
            window = min(self.conn.local_flow_control_window(sid), self.conn.max_outbound_frame_size)
            if window <= 0:
                if self.streams[sid].finished:
                    return
                if time.monotonic() > deadline or not self.pump(0.2):
                    raise TimeoutError(f"stream {sid}: flow-control window stayed closed")
                continue
            chunk = view[:window]
            view = view[window:]
            try:
                self.conn.send_data(sid, bytes(chunk), end_stream=end_stream and not len(view))
            except h2.exceptions.StreamClosedError:
                return  # the server reset the stream (e.g. after an early status): stop sending
            self.flush()
        if end_stream and not data:
            try:
                self.conn.send_data(sid, b"", end_stream=True)
            except h2.exceptions.StreamClosedError:
                return
            self.flush()

    def end_stream(self, sid: int):
        self.conn.end_stream(sid)
        self.flush()

    def reset(self, sid: int, code: int = 8):
        self.conn.reset_stream(sid, error_code=code)
        self.flush()

    def collect(self, sid: int, timeout: float = 5.0) -> StreamResult:
        """Waits until the stream ends or is reset (or the connection goes away)."""
        self.wait_for(lambda: self.streams[sid].finished, timeout)
        return self.streams[sid]

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def raw_grpc_call(port: int, path: str, body: bytes = b"", *, content_type: str | None = "application/grpc",
                  metadata=None, end_stream: bool = True, timeout: float = 5.0) -> StreamResult:
    """Sends one raw gRPC request on a new connection and collects headers, data and trailers.

    `body` is sent as-is (build it with `grpc_frame`). With `end_stream=False` the request is
    left open, so the call returns as soon as the server finishes the stream on its own.
    """
    with H2Client(port, timeout=timeout) as client:
        sid = client.start_request(path, content_type=content_type, metadata=metadata, end_stream=end_stream and not body)
        if body:
            client.send_data(sid, body, end_stream=end_stream, timeout=timeout)
        result = client.collect(sid, timeout=timeout)
        result.connection_goaway = client.goaway  # type: ignore[attr-defined]
        return result


def read_until_closed(sock: socket.socket, timeout: float) -> tuple[bool, bytes]:
    """Reads until EOF or `timeout`; returns (closed, everything received)."""
    received = bytearray()
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False, bytes(received)
        sock.settimeout(remaining)
        try:
            data = sock.recv(65536)
        except socket.timeout:
            return False, bytes(received)
        except OSError:
            return True, bytes(received)
        if not data:
            return True, bytes(received)
        received.extend(data)


def log(*args):
    print(*args, file=sys.stderr)
