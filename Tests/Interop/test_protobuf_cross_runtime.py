"""Python `protobuf` ⇄ Baton (libprotobuf-c), through the byte files in Tests/Support/ProtobufVectors.

- baton/<sample>.bin hold Baton's encodings (kept current by the Swift test
  `CrossRuntimeTests.batonVectorsAreCurrent`); Python must decode each to the Python-built sample,
  and where the sample is canonical, Python's deterministic encoding must be byte-identical.
- python/<sample>.bin are Python's encodings that the Swift tests decode; this test checks they are
  what Python produces now (regenerate with `python3 Tests/Interop/protobuf_samples.py`).

Run: pytest Tests/Interop/test_protobuf_cross_runtime.py   (no Baton build needed)
"""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
import protobuf_samples  # noqa: E402

BATON = os.path.join(protobuf_samples.VECTORS, "baton")
PYTHON = os.path.join(protobuf_samples.VECTORS, "python")


@pytest.fixture(scope="module")
def modules(tmp_path_factory):
    return protobuf_samples.load_modules(str(tmp_path_factory.mktemp("pb2")))


def sample_names():
    cov, shared = protobuf_samples.load_modules()
    return [name for name, _, _ in protobuf_samples.samples(cov, shared)]


def find(modules, name):
    for sample in protobuf_samples.samples(*modules):
        if sample[0] == name:
            return sample
    raise KeyError(name)


def read(folder, name):
    with open(os.path.join(folder, name + ".bin"), "rb") as fh:
        return fh.read()


@pytest.mark.parametrize("name", sample_names())
def test_python_decodes_baton(modules, name):
    _, expected, canonical = find(modules, name)
    data = read(BATON, name)
    decoded = type(expected)()
    decoded.ParseFromString(data)
    assert decoded == expected, f"{name}: Python decoded {decoded!r}"
    # Nothing Baton wrote was unknown to Python (it would be kept and re-serialized).
    assert decoded.SerializeToString(deterministic=True) == expected.SerializeToString(deterministic=True)
    if canonical:
        assert expected.SerializeToString(deterministic=True) == data, f"{name}: encodings differ"


@pytest.mark.parametrize("name", sample_names())
def test_python_vectors_are_current(modules, name):
    _, message, _ = find(modules, name)
    assert read(PYTHON, name) == message.SerializeToString(deterministic=True), (
        "stale: run python3 Tests/Interop/protobuf_samples.py"
    )


def test_unknown_fields_vector_is_current(modules):
    cov, _ = modules
    (name, data), = protobuf_samples.extra_vectors(cov)
    assert read(PYTHON, name) == data


def test_strings_keep_nul_and_non_ascii(modules):
    cov, _ = modules
    s = cov.Scalars()
    s.ParseFromString(read(BATON, "scalars_min"))
    assert s.f_string == protobuf_samples.TRICKY
    assert "\x00" in s.f_string
    m = cov.Maps()
    m.ParseFromString(read(BATON, "maps_all"))
    assert m.string_to_string["\u00e9t\u00e9"] == protobuf_samples.TRICKY


def test_baton_keeps_unrecognized_enums(modules):
    cov, _ = modules
    s = cov.Scalars()
    s.ParseFromString(read(BATON, "scalars_unknown_enum"))
    assert s.f_color == 12345


REGISTRIES = [
    "Sources/BatonRPC/Generated/BatonRPCProtoFiles.swift",
    "Sources/BatonInterop/Generated/BatonInteropProtoFiles.swift",
    "Tests/Support/BatonTestProtos/Generated/BatonTestProtosProtoFiles.swift",
]


@pytest.mark.parametrize("registry", REGISTRIES)
def test_reflection_registry_holds_protoc_descriptors(registry, tmp_path):
    """The base64 FileDescriptorProtos in the generated registries are exactly protoc's."""
    import base64
    import re

    from google.protobuf import descriptor_pb2
    from grpc_tools import protoc

    with open(os.path.join(protobuf_samples.REPO_ROOT, registry)) as fh:
        text = fh.read()
    names = re.findall(r'name: "([^"]+)"', text)
    blobs = re.findall(r'serializedBase64: "([^"]+)"', text)
    assert names and len(names) == len(blobs)
    out = tmp_path / "set.pb"
    rc = protoc.main(["protoc", f"-I{protobuf_samples.PROTO_ROOT}", f"--descriptor_set_out={out}"] + names)
    assert rc == 0
    expected = {f.name: f for f in descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes()).file}
    for name, blob in zip(names, blobs):
        actual = descriptor_pb2.FileDescriptorProto.FromString(base64.b64decode(blob))
        assert actual == expected[name], name
