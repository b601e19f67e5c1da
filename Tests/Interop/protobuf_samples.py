"""Sample messages shared by Baton's cross-runtime protobuf tests.

The same samples are built in Swift (Tests/BatonProtobufTests/Test Utilities/ProtobufSamples.swift);
keep the two lists in step. Each sample is (name, message, canonical): `canonical` means both
runtimes must produce identical bytes, not just equal values.
"""

import os
import subprocess
import sys
import tempfile

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PROTO_ROOT = os.path.join(REPO_ROOT, "proto")
VECTORS = os.path.join(REPO_ROOT, "Tests", "Support", "ProtobufVectors")
PROTO_FILES = ["baton/testing/shared/v1/shared.proto", "baton/testing/v1/coverage.proto"]

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
UINT32_MAX, UINT64_MAX = 2**32 - 1, 2**64 - 1

TRICKY = "h\u00e9llo\x00w\u00f6rld \u2713 \U0001D11E"


def load_modules(out_dir=None):
    """Compiles the coverage protos with grpc_tools.protoc and imports the _pb2 modules."""
    from grpc_tools import protoc  # noqa: PLC0415
    import grpc_tools  # noqa: PLC0415

    out_dir = out_dir or tempfile.mkdtemp(prefix="baton-pb2-")
    os.makedirs(out_dir, exist_ok=True)
    well_known = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    rc = protoc.main(["protoc", f"-I{PROTO_ROOT}", f"-I{well_known}", f"--python_out={out_dir}"] + PROTO_FILES)
    if rc != 0:
        raise RuntimeError(f"grpc_tools.protoc failed ({rc})")
    if out_dir not in sys.path:
        sys.path.insert(0, out_dir)
    import importlib  # noqa: PLC0415

    coverage = importlib.import_module("baton.testing.v1.coverage_pb2")
    shared = importlib.import_module("baton.testing.shared.v1.shared_pb2")
    return coverage, shared


def samples(cov, shared):
    out = []

    def add(name, message, canonical=True):
        out.append((name, message, canonical))

    add("scalars_default", cov.Scalars())

    s = cov.Scalars()
    s.f_double = -1234.5678
    s.f_float = 3.25
    s.f_int32 = INT32_MIN
    s.f_int64 = INT64_MIN
    s.f_uint32 = UINT32_MAX
    s.f_uint64 = UINT64_MAX
    s.f_sint32 = -1
    s.f_sint64 = INT64_MIN
    s.f_fixed32 = 0xDEADBEEF
    s.f_fixed64 = 0x0123456789ABCDEF
    s.f_sfixed32 = -2
    s.f_sfixed64 = -3
    s.f_bool = True
    s.f_string = TRICKY
    s.f_bytes = bytes([0, 1, 2, 255, 0])
    s.f_color = cov.COLOR_NEGATIVE
    add("scalars_min", s)

    s = cov.Scalars()
    s.f_double = float("inf")
    s.f_float = -8.5  # (-0.0 is not used: libprotobuf-c encodes it as absent; see the Swift tests)
    s.f_int32 = INT32_MAX
    s.f_int64 = INT64_MAX
    s.f_uint32 = 1
    s.f_uint64 = 2**63
    s.f_sint32 = INT32_MIN
    s.f_sint64 = INT64_MAX
    s.f_fixed32 = UINT32_MAX
    s.f_fixed64 = UINT64_MAX
    s.f_sfixed32 = INT32_MIN
    s.f_sfixed64 = INT64_MIN
    s.f_string = "\x00"
    s.f_bytes = b"\x00"
    s.f_color = cov.COLOR_MIN
    add("scalars_max", s)

    s = cov.Scalars()
    s.f_color = 12345  # not a value Baton knows: kept as unrecognized
    s.f_string = "plain ascii"
    add("scalars_unknown_enum", s)

    r = cov.Repeated()
    r.r_double.extend([1.5, -2.25, 0.0])
    r.r_float.extend([0.5, -8.0])
    r.r_int32.extend([0, -1, INT32_MAX, INT32_MIN])
    r.r_int64.extend([INT64_MIN, 7])
    r.r_uint32.extend([UINT32_MAX, 0, 300])
    r.r_uint64.extend([UINT64_MAX, 1])
    r.r_sint32.extend([-64, 63, INT32_MIN])
    r.r_sint64.extend([INT64_MIN, INT64_MAX, -1])
    r.r_fixed32.extend([1, 2])
    r.r_fixed64.extend([3])
    r.r_sfixed32.extend([-5, 5])
    r.r_sfixed64.extend([-6])
    r.r_bool.extend([True, False, True])
    r.r_string.extend(["", TRICKY, "z"])
    r.r_bytes.extend([b"", b"\xff\x00"])
    r.r_color.extend([cov.COLOR_RED, cov.COLOR_NEGATIVE, 7, cov.COLOR_UNSPECIFIED])
    n = r.r_nested.add()
    n.value = 42
    n.label = "first"
    n.inner.points.extend([-1, 0, 1])
    n.inner.note = "inner"
    n.level = cov.Nested.LEVEL_HIGH
    r.r_nested.add()  # an all-default element still counts
    r.r_unpacked.extend([1, -1, 300])
    t = r.r_shared.add()
    t.id = "shared-1"
    t.tags.extend(["a", "b"])
    t.kind = shared.SHARED_KIND_TWO
    add("repeated_all", r)

    m = cov.Maps()
    m.string_to_string.update({"b": "2", "a": "1", "\u00e9t\u00e9": TRICKY})
    m.int32_to_int64.update({-1: INT64_MIN, 5: 6, INT32_MAX: 1})
    m.int64_to_string.update({INT64_MIN: "min", 3: "three"})
    m.uint32_to_bytes.update({UINT32_MAX: b"\x00\x01", 9: b"x"})
    m.uint64_to_double.update({UINT64_MAX: 0.5, 2: -1.0})
    m.sint32_to_color.update({-2: cov.COLOR_NEGATIVE, 4: cov.COLOR_GREEN, 8: 99})
    m.sint64_to_float.update({-9: 1.25})
    m.fixed32_to_bool.update({11: True})
    m.fixed64_to_uint32.update({12: 13})
    m.sfixed32_to_sfixed64.update({-14: -15})
    m.bool_to_string.update({True: "yes"})
    m.string_to_nested["n1"].value = 1
    m.string_to_nested["n1"].label = "one"
    m.string_to_nested["n2"].inner.points.append(2)
    m.string_to_shared["s"].id = "sid"
    m.string_to_shared["s"].kind = shared.SHARED_KIND_ONE
    # Not canonical: Python's "deterministic" order for integer keys is not numeric order,
    # and protobuf-c omits default keys/values inside map entries (Python writes them).
    add("maps_all", m, canonical=False)

    m = cov.Maps()
    m.string_to_string.update({"c": "3", "a": "1", "b": "2", "\u00e9": "e"})
    m.string_to_nested["z"].value = 26
    m.string_to_nested["y"].label = "y"
    m.int32_to_int64[-5] = 5
    add("maps_string_keys", m)

    m = cov.Maps()
    m.string_to_string[""] = ""
    m.int32_to_int64[0] = 0
    m.bool_to_string[False] = ""
    m.bool_to_string[True] = "t"
    m.string_to_nested["empty"].SetInParent()
    add("maps_default_entries", m, canonical=False)

    e = cov.Everything()
    e.scalars.f_int32 = 1
    e.repeated.r_string.append("r")
    e.maps.string_to_string["k"] = "v"
    e.nested.value = 3
    e.choice_text = "choice\x00text"
    e.opt_int32 = 0
    e.opt_string = ""
    e.opt_nested.SetInParent()
    e.opt_color = cov.COLOR_UNSPECIFIED
    e.opt_bool = False
    e.opt_bytes = b""
    e.opt_double = 0.0
    e.shared.id = "x"
    e.shared_kind = shared.SHARED_KIND_TWO
    e.level = cov.Nested.LEVEL_HIGH
    add("everything_zero_presence", e)

    e = cov.Everything()
    e.choice_number = INT64_MIN
    e.opt_int32 = -7
    e.opt_string = TRICKY
    e.opt_nested.label = "opt"
    e.opt_color = 321
    e.opt_bool = True
    e.opt_bytes = b"\x01"
    e.opt_double = -0.5
    add("everything_choice_number", e)

    e = cov.Everything()
    e.choice_nested.value = -1
    e.choice_nested.inner.note = "deep"
    add("everything_choice_nested", e)

    e = cov.Everything()
    e.choice_color = cov.COLOR_MAX
    add("everything_choice_color", e)

    e = cov.Everything()
    e.choice_bytes = b""
    add("everything_choice_empty_bytes", e)

    e = cov.Everything()
    e.choice_flag = False
    add("everything_choice_false", e)

    h = cov.HTTPRequest2Thing()
    h.aB = 5
    setattr(h, "class", "klass")
    setattr(h, "default", -3)
    setattr(h, "in", True)
    h.server_id = "sid"
    h.request_url = "https://example.com/"
    h.type = 9
    h.protocol = "h2"
    add("names", h)

    h = cov.HTTPRequest2Thing()
    h.first_option = 0
    add("names_first_option_zero", h)

    return out


def extra_vectors(cov):
    """Python-only encodings that Baton must decode (not re-encode): unknown fields etc."""
    x = cov.ScalarsWithExtra()
    x.f_double = 2.5
    x.f_float = 1.5
    x.f_int32 = -9
    x.extra_text = "ignored by Scalars"
    x.extra_numbers.extend([1, 2, 3])
    return [("unknown_fields", x.SerializeToString(deterministic=True))]


def write_python_vectors():
    cov, shared = load_modules()
    out = os.path.join(VECTORS, "python")
    os.makedirs(out, exist_ok=True)
    for name in os.listdir(out):
        os.remove(os.path.join(out, name))
    for name, message, _ in samples(cov, shared):
        with open(os.path.join(out, name + ".bin"), "wb") as fh:
            fh.write(message.SerializeToString(deterministic=True))
    for name, data in extra_vectors(cov):
        with open(os.path.join(out, name + ".bin"), "wb") as fh:
            fh.write(data)


if __name__ == "__main__":
    write_python_vectors()
