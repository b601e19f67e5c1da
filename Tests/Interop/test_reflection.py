"""grpcio (Python) reflection clients → `baton-interop-server`: gRPC server reflection, v1 and
v1alpha. Spec: /work/shared/GRPC-WIRE.md ("Health and reflection") and gRPC's
doc/server-reflection.md.

grpcio-reflection's client (`ProtoReflectionDescriptorDatabase`) speaks v1alpha only, so v1 is
exercised through a raw stream with messages generated from proto/grpc/reflection/v1/reflection.proto.

Run: pytest Tests/Interop/test_reflection.py   (needs .build/debug/baton-interop-server)
"""

from __future__ import annotations

import grpc
import pytest
from google.protobuf import descriptor_database, descriptor_pb2, descriptor_pool, message_factory
from grpc_reflection.v1alpha import reflection_pb2 as v1alpha_pb2
from grpc_reflection.v1alpha import reflection_pb2_grpc as v1alpha_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

CALL_TIMEOUT = 10  # seconds, for every call in this file
NOT_FOUND = grpc.StatusCode.NOT_FOUND.value[0]

HOSTED_SERVICES = [
    "grpc.health.v1.Health",
    "grpc.reflection.v1.ServerReflection",
    "grpc.reflection.v1alpha.ServerReflection",
    "grpc.testing.TestService",
]
TEST_PROTO_AND_DEPENDENCIES = {"grpc/testing/test.proto", "grpc/testing/empty.proto", "grpc/testing/messages.proto"}


@pytest.fixture
def reflection_db(channel):
    return ProtoReflectionDescriptorDatabase(channel)


@pytest.fixture
def pool(reflection_db):
    return descriptor_pool.DescriptorPool(reflection_db)


# --------------------------------------------------------------------------------------------
# grpcio-reflection's descriptor database (v1alpha)
# --------------------------------------------------------------------------------------------


def test_descriptor_database_lists_services(reflection_db):
    assert sorted(reflection_db.get_services()) == HOSTED_SERVICES


def test_descriptor_pool_resolves_test_service_methods(pool):
    service = pool.FindServiceByName("grpc.testing.TestService")
    methods = {m.name: (m.input_type.full_name, m.output_type.full_name) for m in service.methods}
    assert methods["EmptyCall"] == ("grpc.testing.Empty", "grpc.testing.Empty")
    assert methods["UnaryCall"] == ("grpc.testing.SimpleRequest", "grpc.testing.SimpleResponse")
    assert methods["FullDuplexCall"] == ("grpc.testing.StreamingOutputCallRequest", "grpc.testing.StreamingOutputCallResponse")
    full_duplex = service.methods_by_name["FullDuplexCall"]
    assert full_duplex.client_streaming and full_duplex.server_streaming
    assert service.file.name == "grpc/testing/test.proto"
    assert {d.name for d in service.file.dependencies} == {"grpc/testing/empty.proto", "grpc/testing/messages.proto"}


def test_descriptor_pool_resolves_every_listed_service(pool, reflection_db):
    for name in reflection_db.get_services():
        service = pool.FindServiceByName(name)
        for method in service.methods:
            assert method.input_type.fields is not None, f"{name}/{method.name}: input type unresolved"


def test_reflected_types_make_a_working_call(pool, channel):
    """The reflected descriptors are good enough to build messages and call UnaryCall."""
    method = pool.FindServiceByName("grpc.testing.TestService").methods_by_name["UnaryCall"]
    request_class = message_factory.GetMessageClass(method.input_type)
    response_class = message_factory.GetMessageClass(method.output_type)
    call = channel.unary_unary(
        "/grpc.testing.TestService/UnaryCall",
        request_serializer=request_class.SerializeToString,
        response_deserializer=response_class.FromString,
    )
    response = call(request_class(response_size=42), timeout=CALL_TIMEOUT)
    assert len(response.payload.body) == 42


def test_descriptor_database_unknown_names_are_key_errors(reflection_db):
    # The database asserts the server answered NOT_FOUND before raising KeyError.
    # (Its FindFileContainingExtension never asks the server: protobuf's base database answers
    # None first. The raw-stream tests below cover file_containing_extension.)
    with pytest.raises(KeyError):
        reflection_db.FindFileContainingSymbol("grpc.testing.NoSuchMessage")
    with pytest.raises(KeyError):
        reflection_db.FindFileByName("no/such/file.proto")
    assert list(reflection_db.FindAllExtensionNumbers("grpc.testing.SimpleRequest")) == []


# --------------------------------------------------------------------------------------------
# Raw streams, v1 and v1alpha: one response per request, in order, errors keep the stream open
# --------------------------------------------------------------------------------------------


def open_stream(pb, channel, version):
    """The version's messages module and its ServerReflectionInfo call."""
    if version == "v1alpha":
        return v1alpha_pb2, v1alpha_pb2_grpc.ServerReflectionStub(channel).ServerReflectionInfo
    messages = pb.reflection_v1_pb2
    call = channel.stream_stream(
        "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
        request_serializer=messages.ServerReflectionRequest.SerializeToString,
        response_deserializer=messages.ServerReflectionResponse.FromString,
    )
    return messages, call


@pytest.mark.parametrize("version", ["v1", "v1alpha"])
def test_one_stream_answers_in_order(pb, channel, version):
    messages, reflect = open_stream(pb, channel, version)
    request = messages.ServerReflectionRequest
    requests = [
        request(host="localhost", list_services=""),
        request(file_containing_symbol="grpc.testing.NoSuchService"),
        request(file_containing_symbol="grpc.testing.TestService.StreamingOutputCall"),
        request(file_by_filename="no/such/file.proto"),
        request(file_by_filename="grpc/health/v1/health.proto"),
        request(file_containing_extension=messages.ExtensionRequest(containing_type="grpc.testing.Empty", extension_number=7)),
        request(all_extension_numbers_of_type="grpc.testing.Empty"),
        request(all_extension_numbers_of_type="grpc.testing.Nope"),
    ]
    responses = list(reflect(iter(requests), timeout=CALL_TIMEOUT))
    assert [r.original_request for r in responses] == requests
    kinds = [r.WhichOneof("message_response") for r in responses]
    assert kinds == [
        "list_services_response",
        "error_response",
        "file_descriptor_response",
        "error_response",
        "file_descriptor_response",
        "error_response",
        "all_extension_numbers_response",
        "error_response",
    ]
    assert responses[0].valid_host == "localhost"
    assert [s.name for s in responses[0].list_services_response.service] == HOSTED_SERVICES
    for index in (1, 3, 5, 7):
        assert responses[index].error_response.error_code == NOT_FOUND
        assert "not found" in responses[index].error_response.error_message
    assert "grpc.testing.NoSuchService" in responses[1].error_response.error_message

    files = parse_files(responses[2])
    assert files[0].name == "grpc/testing/test.proto", "the file that defines the symbol comes first"
    assert {f.name for f in files} == TEST_PROTO_AND_DEPENDENCIES
    assert [f.name for f in parse_files(responses[4])] == ["grpc/health/v1/health.proto"]
    numbers = responses[6].all_extension_numbers_response
    assert numbers.base_type_name == "grpc.testing.Empty" and list(numbers.extension_number) == []


@pytest.mark.parametrize("version", ["v1", "v1alpha"])
def test_served_files_build_a_descriptor_pool(pb, channel, version):
    messages, reflect = open_stream(pb, channel, version)
    request = messages.ServerReflectionRequest(file_containing_symbol="grpc.testing.TestService")
    (response,) = reflect(iter([request]), timeout=CALL_TIMEOUT)
    database = descriptor_database.DescriptorDatabase()
    for file in parse_files(response):
        database.Add(file)
    pool = descriptor_pool.DescriptorPool(database)
    service = pool.FindServiceByName("grpc.testing.TestService")
    assert service.methods_by_name["StreamingInputCall"].input_type.full_name == "grpc.testing.StreamingInputCallRequest"
    payload = pool.FindMessageTypeByName("grpc.testing.Payload")
    assert payload.fields_by_name["body"].number == 2


def parse_files(response) -> list[descriptor_pb2.FileDescriptorProto]:
    files = []
    for serialized in response.file_descriptor_response.file_descriptor_proto:
        file = descriptor_pb2.FileDescriptorProto()
        file.ParseFromString(serialized)
        files.append(file)
    return files
