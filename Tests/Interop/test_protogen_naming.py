"""dev/protogen derives protoc-c's C names itself; check them against real protoc-c output."""

import os
import subprocess
import sys

import pytest

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(REPO_ROOT, "dev", "protogen"))
import generate  # noqa: E402

PROTO = """
syntax = "proto3";
package my_pkg.SubPkg.v2;
message outer_msg {
  oneof myChoice_x { int32 a_B = 1; string class = 2; }
  message HTTPInner2Thing { int32 zZ = 1; }
  map<int32, HTTPInner2Thing> the_Map = 3;
  enum color_kind { COLOR_KIND_RED = 0; NEG = -1; }
  color_kind c = 4;
  int64 opt_Value = 5;
  repeated string ABCdef = 6;
}
"""


@pytest.fixture(scope="module")
def header(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("naming")
    (tmp / "n.proto").write_text(PROTO)
    out = tmp / "out"
    out.mkdir()
    subprocess.run(["protoc-c", f"-I{tmp}", f"--c_out={out}", "n.proto"], check=True, cwd=tmp)
    return generate.Header((out / "n.pb-c.h").read_text(), "n.pb-c.h")


def test_type_and_function_names(header):
    for full in ["my_pkg.SubPkg.v2.outer_msg", "my_pkg.SubPkg.v2.outer_msg.HTTPInner2Thing",
                 "my_pkg.SubPkg.v2.outer_msg.TheMapEntry"]:
        header.require_struct(generate.c_full_name_to_c(full), full)
        header.require_identifier(generate.c_full_name_to_lower(full) + "__init", full)
    header.require_enum(generate.c_full_name_to_c("my_pkg.SubPkg.v2.outer_msg.color_kind"), "enum")


def test_member_names(header):
    outer = generate.c_full_name_to_c("my_pkg.SubPkg.v2.outer_msg")
    for field in ["a_B", "class", "the_Map", "c", "opt_Value", "ABCdef"]:
        header.require_member(outer, generate.c_field_name(field), field)
    header.require_member(outer, "n_" + generate.c_field_name("ABCdef"), "count")
    header.require_member(outer, generate.c_camel_to_lower("myChoice_x") + "_case", "oneof case")
    inner = generate.c_full_name_to_c("my_pkg.SubPkg.v2.outer_msg.HTTPInner2Thing")
    header.require_member(inner, generate.c_field_name("zZ"), "zZ")


def test_a_wrong_name_fails_loudly(header):
    with pytest.raises(generate.GeneratorError):
        header.require_struct("MyPkg__SubPkg__V2__OuterMSG", "bogus")
    with pytest.raises(generate.GeneratorError):
        header.require_member(generate.c_full_name_to_c("my_pkg.SubPkg.v2.outer_msg"), "aB", "bogus")


def test_swift_names():
    assert generate.swift_lower_camel("response_size") == "responseSize"
    assert generate.swift_lower_camel("server_id") == "serverID"
    assert generate.swift_lower_camel("request_url") == "requestURL"
    assert generate.swift_lower_camel("aB") == "aB"
    assert generate.swift_escape("class") == "`class`"
    assert generate.swift_package_prefix("grpc.health.v1") == "Grpc_Health_V1_"
    assert generate.enum_case_name("GrpclbRouteType", "GRPCLB_ROUTE_TYPE_FALLBACK") == "fallback"
    assert generate.enum_case_name("ServingStatus", "NOT_SERVING") == "notServing"
    assert generate.enum_case_name("PayloadType", "COMPRESSABLE") == "compressable"
