#!/usr/bin/env python3
"""Baton's protobuf code generator (run through `dev/generate-protos`).

For every group in GROUPS:
  1. `protoc --include_imports --descriptor_set_out` compiles the group's .proto files.
  2. The descriptor set is rewritten for protoc-c 1.4.1:
       * every `string` field gets protobuf-c's `string_as_bytes` option, so the C side holds
         `ProtobufCBinaryData` (byte-exact, embedded NULs kept; Swift validates UTF-8);
       * proto3 `optional` (which protoc-c refuses) becomes a one-member oneof (wire-identical).
  3. `protoc --descriptor_set_in … --c_out` generates the C target (sources at its root,
     headers under `include/`, plus an umbrella header named after the target).
  4. Swift is generated from the ORIGINAL descriptors: one `.swift` per `.proto`, plus a
     `<Module>ProtoFiles.swift` registry of serialized FileDescriptorProtos (for reflection).

Every C name the Swift code uses is derived with protoc-c's own rules and then checked against
the generated header; a name that is not there stops the generator with an error.

Usage: generate.py [--output-root DIR]   (default: the repository root)
"""

from __future__ import annotations

import argparse
import base64
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field as dc_field

from google.protobuf import descriptor_pb2

FDP = descriptor_pb2.FieldDescriptorProto

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PROTO_ROOT = os.path.join(REPO_ROOT, "proto")


# --------------------------------------------------------------------------------------------
# Manifest
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Group:
    name: str
    files: tuple[str, ...]
    c_dir: str  # the C target's folder (wholly generated)
    c_module: str
    swift_dir: str  # the Swift output folder (wholly generated)
    swift_module: str
    services: bool  # whether the Swift module may use BatonRPC (services are generated)
    import_baton_rpc: bool  # false inside BatonRPC itself


GROUPS: tuple[Group, ...] = (
    Group(
        name="rpc",
        files=(
            "grpc/health/v1/health.proto",
            "grpc/reflection/v1/reflection.proto",
            "grpc/reflection/v1alpha/reflection.proto",
        ),
        c_dir="Sources/CBatonRPCProtos",
        c_module="CBatonRPCProtos",
        swift_dir="Sources/BatonRPC/Generated",
        swift_module="BatonRPC",
        services=True,
        import_baton_rpc=False,
    ),
    Group(
        name="interop",
        files=(
            "grpc/testing/empty.proto",
            "grpc/testing/messages.proto",
            "grpc/testing/test.proto",
        ),
        c_dir="Sources/CBatonInteropProtos",
        c_module="CBatonInteropProtos",
        swift_dir="Sources/BatonInterop/Generated",
        swift_module="BatonInterop",
        services=True,
        import_baton_rpc=True,
    ),
    Group(
        name="api",
        files=(
            "baton/coordination/v1/workflow.proto",
            "baton/coordination/v1/workflow_service.proto",
            "baton/coordination/v1/event_service.proto",
            "baton/order_fulfillment/v1/order_fulfillment.proto",
            "baton/identity_operations/v1/identity_operations.proto",
            "baton/supply_chain_operations/v1/supply_chain_operations.proto",
        ),
        c_dir="Sources/CBatonAPIProtos",
        c_module="CBatonAPIProtos",
        swift_dir="Sources/BatonAPI/Generated",
        swift_module="BatonAPI",
        services=True,
        import_baton_rpc=True,
    ),
    Group(
        name="atomic",
        files=(
            "atomic/inventory/v1/inventory.proto",
            "atomic/payment/v1/payment.proto",
            "atomic/shipping/v1/shipping.proto",
            "atomic/notifier/v1/notifier.proto",
            "atomic/identity/v1/identity.proto",
            "atomic/tenant/v1/tenant.proto",
            "atomic/audit/v1/audit.proto",
            "atomic/session/v1/session.proto",
            "atomic/sales/v1/sales.proto",
            "atomic/procurement/v1/procurement.proto",
            "atomic/warehouse/v1/warehouse.proto",
            "atomic/receivable/v1/receivable.proto",
            "atomic/valuation/v1/valuation.proto",
            "atomic/faults/v1/faults.proto",
        ),
        c_dir="Sources/CBatonAtomicProtos",
        c_module="CBatonAtomicProtos",
        swift_dir="Sources/BatonAtomicAPI/Generated",
        swift_module="BatonAtomicAPI",
        services=True,
        import_baton_rpc=True,
    ),
    Group(
        name="test",
        files=(
            "baton/testing/shared/v1/shared.proto",
            "baton/testing/v1/coverage.proto",
        ),
        c_dir="Tests/Support/CBatonTestProtos",
        c_module="CBatonTestProtos",
        swift_dir="Tests/Support/BatonTestProtos/Generated",
        swift_module="BatonTestProtos",
        services=False,
        import_baton_rpc=False,
    ),
)


class GeneratorError(Exception):
    pass


def fail(message: str) -> None:
    raise GeneratorError(message)


# --------------------------------------------------------------------------------------------
# protoc-c 1.4.1 naming (protoc-c/c_helpers.cc)
# --------------------------------------------------------------------------------------------

C_KEYWORDS = {
    "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break", "case", "catch",
    "char", "class", "compl", "const", "const_cast", "continue", "default", "delete", "do",
    "double", "dynamic_cast", "else", "enum", "explicit", "extern", "false", "float", "for",
    "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace", "new", "not",
    "not_eq", "operator", "or", "or_eq", "private", "protected", "public", "register",
    "reinterpret_cast", "return", "short", "signed", "sizeof", "static", "static_cast",
    "struct", "switch", "template", "this", "throw", "true", "try", "typedef", "typeid",
    "typename", "union", "unsigned", "using", "virtual", "void", "volatile", "wchar_t",
    "while", "xor", "xor_eq",
}


def c_camel_to_lower(name: str) -> str:
    out, was_upper = [], True
    for ch in name:
        is_upper = "A" <= ch <= "Z"
        if is_upper:
            if not was_upper:
                out.append("_")
            out.append(ch.lower())
        else:
            out.append(ch)
        was_upper = is_upper
    return "".join(out)


def c_to_camel(name: str) -> str:
    out, next_upper = [], True
    for ch in name:
        if ch == "_":
            next_upper = True
        elif next_upper:
            out.append(ch.upper())
            next_upper = False
        else:
            out.append(ch)
    return "".join(out)


def c_full_name_to_lower(full_name: str) -> str:
    return "__".join(c_camel_to_lower(p) for p in full_name.split(".") if p)


def c_full_name_to_c(full_name: str) -> str:
    return "__".join(c_to_camel(p) for p in full_name.split(".") if p)


def c_field_name(name: str) -> str:
    result = name.lower()
    return result + "_" if result in C_KEYWORDS else result


# --------------------------------------------------------------------------------------------
# Swift naming (after swift-protobuf)
# --------------------------------------------------------------------------------------------

SWIFT_KEYWORDS = {
    "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import",
    "init", "inout", "internal", "let", "open", "operator", "private", "precedencegroup",
    "protocol", "public", "rethrows", "static", "struct", "subscript", "typealias", "var",
    "break", "case", "catch", "continue", "default", "defer", "do", "else", "fallthrough",
    "for", "guard", "if", "in", "repeat", "return", "throw", "switch", "where", "while", "as",
    "false", "is", "nil", "self", "Self", "super", "throws", "true", "try", "Any", "some",
    "any", "Type", "Protocol",
}
# Members every generated message already has; a field with one of these names is renamed.
RESERVED_MEMBERS = {"protoMessageName", "protobufCDescriptor", "lower", "hashValue", "hash"}
ABBREVIATIONS = {"id": "ID", "url": "URL", "http": "HTTP", "https": "HTTPS"}


def swift_escape(name: str) -> str:
    return f"`{name}`" if name in SWIFT_KEYWORDS else name


def upper_first(s: str) -> str:
    return s[:1].upper() + s[1:]


def swift_upper_camel(name: str) -> str:
    return "".join(upper_first(p) for p in name.split("_") if p)


def swift_lower_camel(name: str) -> str:
    words = [w for w in name.split("_") if w]
    if not words:
        fail(f"cannot derive a Swift name from '{name}'")
    first = words[0]
    first = first.lower() if first.isupper() else first[:1].lower() + first[1:]
    rest = [ABBREVIATIONS.get(w.lower(), upper_first(w.lower() if w.isupper() else w)) for w in words[1:]]
    result = first + "".join(rest)
    if result in RESERVED_MEMBERS:
        result += "_p"
    return result


def swift_package_prefix(package: str) -> str:
    if not package:
        return ""
    return "_".join(swift_upper_camel(p) for p in package.split(".")) + "_"


def enum_case_name(enum_name: str, value_name: str) -> str:
    """lowerCamelCase of the value name, minus a leading ENUM_NAME_ prefix when present."""
    prefix = enum_name.replace("_", "").lower()
    stripped, i, j = value_name, 0, 0
    while i < len(value_name) and j < len(prefix):
        if value_name[i] == "_":
            i += 1
            continue
        if value_name[i].lower() != prefix[j]:
            break
        i += 1
        j += 1
    if j == len(prefix):
        rest = value_name[i:].lstrip("_")
        if rest and not rest[0].isdigit():
            stripped = rest
    words = [w for w in stripped.split("_") if w]
    name = words[0].lower() + "".join(upper_first(w.lower()) for w in words[1:])
    return name


# --------------------------------------------------------------------------------------------
# Type model
# --------------------------------------------------------------------------------------------

@dataclass
class TypeInfo:
    full_name: str  # without leading dot
    kind: str  # "message" | "enum"
    swift_name: str  # fully qualified Swift name
    c_type: str
    c_lower: str
    file: str
    proto: object  # DescriptorProto | EnumDescriptorProto
    is_map_entry: bool = False


class Model:
    def __init__(self, fds: descriptor_pb2.FileDescriptorSet):
        self.files = {f.name: f for f in fds.file}
        self.types: dict[str, TypeInfo] = {}
        for f in fds.file:
            prefix = swift_package_prefix(f.package)
            pkg = f.package + "." if f.package else ""
            for m in f.message_type:
                self._add_message(f.name, pkg + m.name, prefix + m.name, m)
            for e in f.enum_type:
                self._add_enum(f.name, pkg + e.name, prefix + e.name, e)

    def _add_message(self, file, full, swift, m):
        self.types[full] = TypeInfo(full, "message", swift, c_full_name_to_c(full),
                                    c_full_name_to_lower(full), file, m, m.options.map_entry)
        for n in m.nested_type:
            self._add_message(file, full + "." + n.name, swift + "." + n.name, n)
        for e in m.enum_type:
            self._add_enum(file, full + "." + e.name, swift + "." + e.name, e)

    def _add_enum(self, file, full, swift, e):
        self.types[full] = TypeInfo(full, "enum", swift, c_full_name_to_c(full),
                                    c_full_name_to_lower(full), file, e)

    def type_of(self, type_name: str) -> TypeInfo:
        return self.types[type_name.lstrip(".")]


# --------------------------------------------------------------------------------------------
# Descriptor rewriting for protoc-c
# --------------------------------------------------------------------------------------------

STRING_AS_BYTES = b"\xda\x3f\x02\x08\x01"  # FieldOptions ext 1019 (pb_c_field) {string_as_bytes: true}


def rewrite_for_protoc_c(fds: descriptor_pb2.FileDescriptorSet) -> descriptor_pb2.FileDescriptorSet:
    out = descriptor_pb2.FileDescriptorSet()
    out.CopyFrom(fds)

    def visit(message):
        for f in message.field:
            if f.type == FDP.TYPE_STRING:
                raw = f.options.SerializeToString() + STRING_AS_BYTES
                f.options.ParseFromString(raw)
            if f.proto3_optional:
                f.ClearField("proto3_optional")
        for n in message.nested_type:
            visit(n)

    for f in out.file:
        for m in f.message_type:
            visit(m)
    return out


# --------------------------------------------------------------------------------------------
# Generated header parsing (to verify derived names)
# --------------------------------------------------------------------------------------------

class Header:
    def __init__(self, text: str, path: str):
        self.path = path
        self.text = text
        self.structs: dict[str, set[str]] = {}
        for m in re.finditer(r"^struct\s+(\w+)\n\{\n(.*?)\n\};", text, re.S | re.M):
            members = set()
            for line in m.group(2).splitlines():
                line = line.replace("PROTOBUF_C__DEPRECATED", "")
                mm = re.search(r"(\w+)\s*;\s*$", line)
                if mm:
                    members.add(mm.group(1))
            self.structs[m.group(1)] = members
        self.enums = set(re.findall(r"^\}\s*(\w+);", text, re.M))
        self.identifiers = set(re.findall(r"\w+", text))

    def require_struct(self, name: str, what: str):
        if name not in self.structs:
            fail(f"{self.path}: expected struct '{name}' for {what}; protoc-c naming mismatch")

    def require_member(self, struct: str, member: str, what: str):
        self.require_struct(struct, what)
        if member not in self.structs[struct]:
            fail(f"{self.path}: struct '{struct}' has no member '{member}' (for {what}); "
                 f"members: {sorted(self.structs[struct])}")

    def require_enum(self, name: str, what: str):
        if name not in self.enums:
            fail(f"{self.path}: expected C enum type '{name}' for {what}")

    def require_identifier(self, name: str, what: str):
        if name not in self.identifiers:
            fail(f"{self.path}: expected '{name}' for {what}")


# --------------------------------------------------------------------------------------------
# Swift generation
# --------------------------------------------------------------------------------------------

SCALARS = {
    FDP.TYPE_DOUBLE: ("Double", "0"),
    FDP.TYPE_FLOAT: ("Float", "0"),
    FDP.TYPE_INT64: ("Int64", "0"),
    FDP.TYPE_UINT64: ("UInt64", "0"),
    FDP.TYPE_INT32: ("Int32", "0"),
    FDP.TYPE_FIXED64: ("UInt64", "0"),
    FDP.TYPE_FIXED32: ("UInt32", "0"),
    FDP.TYPE_UINT32: ("UInt32", "0"),
    FDP.TYPE_SFIXED32: ("Int32", "0"),
    FDP.TYPE_SFIXED64: ("Int64", "0"),
    FDP.TYPE_SINT32: ("Int32", "0"),
    FDP.TYPE_SINT64: ("Int64", "0"),
}


class Writer:
    def __init__(self):
        self.lines: list[str] = []
        self.level = 0

    def __call__(self, line: str = ""):
        if not line and self.lines and self.lines[-1] == "":
            return  # never two blank lines in a row
        self.lines.append(("    " * self.level + line) if line else "")

    def indent(self):
        self.level += 1

    def dedent(self):
        self.level -= 1

    def text(self) -> str:
        return "\n".join(self.lines).rstrip() + "\n"


def swift_string_literal(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Comments:
    def __init__(self, file_proto):
        self.by_path = {}
        for loc in file_proto.source_code_info.location:
            if loc.leading_comments:
                self.by_path[tuple(loc.path)] = loc.leading_comments

    def emit(self, w: Writer, path: tuple, fallback: str | None = None):
        text = self.by_path.get(path)
        lines = []
        if text:
            lines = [l[1:] if l.startswith(" ") else l for l in text.rstrip("\n").split("\n")]
            while lines and not lines[-1].strip():
                lines.pop()
        elif fallback:
            lines = [fallback]
        for l in lines:
            w(("/// " + l).rstrip())


class FileGenerator:
    def __init__(self, model: Model, group: Group, file_proto, header: Header):
        self.model = model
        self.group = group
        self.file = file_proto
        self.header = header
        self.comments = Comments(file_proto)
        self.w = Writer()

    # ----- field classification -----

    def value_swift_type(self, f) -> str:
        if f.type in SCALARS:
            return SCALARS[f.type][0]
        if f.type == FDP.TYPE_BOOL:
            return "Bool"
        if f.type == FDP.TYPE_STRING:
            return "String"
        if f.type == FDP.TYPE_BYTES:
            return "[UInt8]"
        if f.type in (FDP.TYPE_ENUM, FDP.TYPE_MESSAGE):
            return self.model.type_of(f.type_name).swift_name
        fail(f"{self.file.name}: field '{f.name}' has unsupported type {f.type} (groups are not supported)")

    def value_default(self, f) -> str:
        if f.type in SCALARS:
            return "0"
        if f.type == FDP.TYPE_BOOL:
            return "false"
        if f.type == FDP.TYPE_STRING:
            return '""'
        if f.type == FDP.TYPE_BYTES:
            return "[]"
        if f.type == FDP.TYPE_ENUM:
            return "." + self.enum_zero_case(self.model.type_of(f.type_name))
        fail("no default for message")

    def enum_cases(self, info: TypeInfo) -> list[tuple[str, int]]:
        seen_numbers, seen_names, cases = set(), set(), []
        for v in info.proto.value:
            if v.number in seen_numbers:
                continue  # allow_alias: the first name wins
            name = enum_case_name(info.proto.name, v.name)
            if name in seen_names or name == "unrecognized":
                fail(f"{info.full_name}: enum value {v.name} maps to a duplicate Swift case '{name}'")
            seen_numbers.add(v.number)
            seen_names.add(name)
            cases.append((name, v.number))
        return cases

    def enum_zero_case(self, info: TypeInfo) -> str:
        for name, number in self.enum_cases(info):
            if number == 0:
                return swift_escape(name)
        fail(f"{info.full_name}: proto3 enums need a zero value")

    def c_value_type(self, f) -> str:
        """The C element type of a repeated field as Swift spells it."""
        if f.type in SCALARS:
            return SCALARS[f.type][0]
        if f.type == FDP.TYPE_BOOL:
            return "protobuf_c_boolean"
        if f.type in (FDP.TYPE_STRING, FDP.TYPE_BYTES):
            return "ProtobufCBinaryData"
        info = self.model.type_of(f.type_name)
        if f.type == FDP.TYPE_ENUM:
            return info.c_type
        return f"UnsafeMutablePointer<{info.c_type}>?"

    def lower_value(self, f, v: str) -> str:
        if f.type in SCALARS:
            return v
        if f.type == FDP.TYPE_BOOL:
            return f"({v} ? 1 : 0)"
        if f.type in (FDP.TYPE_STRING, FDP.TYPE_BYTES):
            return f"arena.binaryData({v})"
        info = self.model.type_of(f.type_name)
        if f.type == FDP.TYPE_ENUM:
            return f"{info.c_type}(rawValue: .init(truncatingIfNeeded: {v}.rawValue))"
        return f"arena.lower({v}, as: {info.c_type}.self)"

    def lift_value(self, f, x: str, field_label: str, message_default: bool = True) -> str:
        if f.type in SCALARS:
            return x
        if f.type == FDP.TYPE_BOOL:
            return f"{x} != 0"
        if f.type == FDP.TYPE_STRING:
            return f"try ProtobufLift.string({x}, field: {swift_string_literal(field_label)})"
        if f.type == FDP.TYPE_BYTES:
            return f"ProtobufLift.bytes({x})"
        info = self.model.type_of(f.type_name)
        if f.type == FDP.TYPE_ENUM:
            return f"{info.swift_name}(rawValue: Int32(truncatingIfNeeded: {x}.rawValue))"
        expr = f"try ProtobufLift.message({info.swift_name}.self, {x})"
        return f"({expr} ?? {info.swift_name}())" if message_default else expr

    # ----- enums -----

    def gen_enum(self, info: TypeInfo, path: tuple):
        w = self.w
        cases = self.enum_cases(info)
        self.header.require_enum(info.c_type, info.full_name)
        self.comments.emit(w, path)
        short = info.swift_name.split(".")[-1]
        w(f"public enum {short}: ProtobufEnum, CaseIterable {{")
        w.indent()
        value_index = {v.number: i for i, v in reversed(list(enumerate(info.proto.value)))}
        for name, number in cases:
            self.comments.emit(w, path + (2, value_index[number]))
            w(f"case {swift_escape(name)} // = {number}")
        w("/// A value this build does not know (proto3 enums are open); kept as is.")
        w("case unrecognized(Int32)")
        w()
        w("/// The proto default (the value numbered 0).")
        w(f"public init() {{ self = .{self.enum_zero_case(info)} }}")
        w()
        w("public init(rawValue: Int32) {")
        w.indent()
        w("switch rawValue {")
        for name, number in cases:
            w(f"case {number}: self = .{swift_escape(name)}")
        w("default: self = .unrecognized(rawValue)")
        w("}")
        w.dedent()
        w("}")
        w()
        w("public var rawValue: Int32 {")
        w.indent()
        w("switch self {")
        for name, number in cases:
            w(f"case .{swift_escape(name)}: {number}")
        w("case .unrecognized(let value): value")
        w("}")
        w.dedent()
        w("}")
        w()
        w("/// The values this build knows.")
        w(f"public static let allCases: [{short}] = [")
        w.indent()
        for name, _ in cases:
            w(f".{swift_escape(name)},")
        w.dedent()
        w("]")
        w.dedent()
        w("}")

    # ----- messages -----

    def check_recursion(self, info: TypeInfo):
        def walk(m, stack):
            for f in m.field:
                if f.type != FDP.TYPE_MESSAGE or f.label == FDP.LABEL_REPEATED:
                    continue
                target = self.model.type_of(f.type_name)
                if target.full_name == info.full_name:
                    fail(f"{info.full_name}: recursive message fields are not supported by the generator "
                         f"(via {' -> '.join(stack + [f.name])})")
                if target.full_name in [s for s in stack]:
                    continue
                walk(target.proto, stack + [target.full_name])
        walk(info.proto, [])

    def gen_message(self, info: TypeInfo, path: tuple):
        w, m, hdr = self.w, info.proto, self.header
        self.check_recursion(info)
        hdr.require_struct(info.c_type, info.full_name)
        hdr.require_identifier(f"{info.c_lower}__init", info.full_name)
        short = info.swift_name.split(".")[-1]

        # Classify fields.
        oneofs = []  # (oneof_index, decl, fields) for real oneofs
        plain = []  # (field, index)
        optional = []  # proto3 optional fields
        for i, f in enumerate(m.field):
            if f.HasField("oneof_index") and not f.proto3_optional:
                continue
            if f.proto3_optional:
                optional.append((f, i))
            else:
                plain.append((f, i))
        for oi, od in enumerate(m.oneof_decl):
            members = [(f, i) for i, f in enumerate(m.field)
                       if f.HasField("oneof_index") and f.oneof_index == oi and not f.proto3_optional]
            if members:
                oneofs.append((oi, od, members))

        swift_names = {}
        for f in m.field:
            swift_names[f.number] = swift_lower_camel(f.name)
        for _, od, _ in oneofs:
            n = swift_lower_camel(od.name)
            if n in swift_names.values():
                fail(f"{info.full_name}: oneof '{od.name}' clashes with a field name in Swift")
        if len(set(swift_names.values())) != len(swift_names):
            fail(f"{info.full_name}: two fields map to the same Swift name")

        self.comments.emit(w, path)
        w(f"public struct {short}: ProtobufMessage {{")
        w.indent()
        w(f"public static let protoMessageName = {swift_string_literal(info.full_name)}")
        w()
        w("public static let protobufCDescriptor: ProtobufCDescriptor = {")
        w.indent()
        w(f"var message = {info.c_type}()")
        w(f"{info.c_lower}__init(&message)")
        w("return ProtobufCDescriptor(message.base.descriptor)")
        w.dedent()
        w("}()")

        w()
        self._last_commented = True
        # Stored properties in declaration order (oneofs at their first member's position).
        emitted_oneofs = set()
        for i, f in enumerate(m.field):
            if f.HasField("oneof_index") and not f.proto3_optional:
                oi = f.oneof_index
                if oi in emitted_oneofs:
                    continue
                emitted_oneofs.add(oi)
                od = m.oneof_decl[oi]
                self.property_gap(path + (8, oi))
                self.comments.emit(w, path + (8, oi))
                w(f"public var {swift_escape(swift_lower_camel(od.name))}: OneOf_{swift_upper_camel(od.name)}? = nil")
                continue
            name = swift_escape(swift_names[f.number])
            self.property_gap(path + (2, i))
            self.comments.emit(w, path + (2, i))
            if self.is_map(f):
                k, v = self.map_fields(f)
                w(f"public var {name}: [{self.value_swift_type(k)}: {self.value_swift_type(v)}] = [:]")
            elif f.label == FDP.LABEL_REPEATED:
                w(f"public var {name}: [{self.value_swift_type(f)}] = []")
            elif f.proto3_optional or f.type == FDP.TYPE_MESSAGE:
                w(f"public var {name}: {self.value_swift_type(f)}? = nil")
            else:
                w(f"public var {name}: {self.value_swift_type(f)} = {self.value_default(f)}")

        for oi, od, members in oneofs:
            w()
            w(f"/// The field set in the oneof `{od.name}`.")
            w(f"public enum OneOf_{swift_upper_camel(od.name)}: Sendable, Hashable {{")
            w.indent()
            for f, i in members:
                self.comments.emit(w, path + (2, i))
                w(f"case {swift_escape(swift_names[f.number])}({self.value_swift_type(f)})")
            w.dedent()
            w("}")

        # Nested types (map entries have no Swift type).
        for ni, n in enumerate(m.nested_type):
            if n.options.map_entry:
                continue
            w()
            self.gen_message(self.model.type_of(info.full_name + "." + n.name), path + (3, ni))
        for ei, e in enumerate(m.enum_type):
            w()
            self.gen_enum(self.model.type_of(info.full_name + "." + e.name), path + (4, ei))

        w()
        w("public init() {}")

        # lower
        w()
        w("public func lower(in arena: ProtobufArena) -> UnsafeMutablePointer<ProtobufCMessage> {")
        w.indent()
        w(f"let c = arena.allocate({info.c_type}.self)")
        w(f"{info.c_lower}__init(c)")
        for f, i in plain:
            self.gen_lower_field(info, f, swift_names[f.number])
        for f, i in optional:
            od = m.oneof_decl[f.oneof_index]
            case_member = c_camel_to_lower(od.name) + "_case"
            member = c_field_name(f.name)
            hdr.require_member(info.c_type, case_member, f"{info.full_name}.{f.name}")
            hdr.require_member(info.c_type, member, f"{info.full_name}.{f.name}")
            w(f"if let value = self.{swift_escape(swift_names[f.number])} {{")
            w.indent()
            w(f"c.pointee.{swift_escape(case_member)} = .init(rawValue: {f.number})")
            w(f"c.pointee.{swift_escape(member)} = {self.lower_value(f, 'value')}")
            w.dedent()
            w("}")
        for oi, od, members in oneofs:
            case_member = c_camel_to_lower(od.name) + "_case"
            hdr.require_member(info.c_type, case_member, f"{info.full_name}.{od.name}")
            w(f"switch self.{swift_escape(swift_lower_camel(od.name))} {{")
            for f, i in members:
                member = c_field_name(f.name)
                hdr.require_member(info.c_type, member, f"{info.full_name}.{f.name}")
                w(f"case .{swift_escape(swift_names[f.number])}(let value)?:")
                w.indent()
                w(f"c.pointee.{swift_escape(case_member)} = .init(rawValue: {f.number})")
                w(f"c.pointee.{swift_escape(member)} = {self.lower_value(f, 'value')}")
                w.dedent()
            w("case nil:")
            w.indent()
            w("break")
            w.dedent()
            w("}")
        w("return UnsafeMutableRawPointer(c).assumingMemoryBound(to: ProtobufCMessage.self)")
        w.dedent()
        w("}")

        # lift
        w()
        w("public init(lifting message: UnsafePointer<ProtobufCMessage>) throws(ProtobufDecodingError) {")
        w.indent()
        w("self.init()")
        if m.field:
            w(f"let c = UnsafeRawPointer(message).assumingMemoryBound(to: {info.c_type}.self)")
        else:
            w("_ = message")
        for f, i in plain:
            self.gen_lift_field(info, f, swift_names[f.number])
        for f, i in optional:
            od = m.oneof_decl[f.oneof_index]
            case_member = c_camel_to_lower(od.name) + "_case"
            member = c_field_name(f.name)
            w(f"if c.pointee.{swift_escape(case_member)}.rawValue == {f.number} {{")
            w.indent()
            w(f"self.{swift_escape(swift_names[f.number])} = "
              f"{self.lift_value(f, 'c.pointee.' + swift_escape(member), f.name)}")
            w.dedent()
            w("}")
        for oi, od, members in oneofs:
            case_member = c_camel_to_lower(od.name) + "_case"
            w(f"switch c.pointee.{swift_escape(case_member)}.rawValue {{")
            for f, i in members:
                member = c_field_name(f.name)
                w(f"case {f.number}:")
                w.indent()
                w(f"self.{swift_escape(swift_lower_camel(od.name))} = .{swift_escape(swift_names[f.number])}("
                  f"{self.lift_value(f, 'c.pointee.' + swift_escape(member), f.name)})")
                w.dedent()
            w("default:")
            w.indent()
            w("break")
            w.dedent()
            w("}")
        w.dedent()
        w("}")

        w.dedent()
        w("}")

    def property_gap(self, path: tuple):
        """A blank line before a documented property (and after one); none between plain ones."""
        commented = path in self.comments.by_path
        if commented or self._last_commented:
            if self.w.lines and self.w.lines[-1] != "":
                self.w()
        self._last_commented = commented

    def is_map(self, f) -> bool:
        if f.type != FDP.TYPE_MESSAGE or f.label != FDP.LABEL_REPEATED:
            return False
        return self.model.type_of(f.type_name).is_map_entry

    def map_fields(self, f):
        entry = self.model.type_of(f.type_name).proto
        key = next(x for x in entry.field if x.number == 1)
        value = next(x for x in entry.field if x.number == 2)
        return key, value

    def gen_lower_field(self, info: TypeInfo, f, swift_name: str):
        w, hdr = self.w, self.header
        member = c_field_name(f.name)
        what = f"{info.full_name}.{f.name}"
        hdr.require_member(info.c_type, member, what)
        prop = "self." + swift_escape(swift_name)
        cm = "c.pointee." + swift_escape(member)
        if f.label == FDP.LABEL_REPEATED:
            hdr.require_member(info.c_type, "n_" + member, what)
            cn = "c.pointee." + swift_escape("n_" + member)
            w(f"{cn} = {prop}.count")
            if self.is_map(f):
                entry = self.model.type_of(f.type_name)
                hdr.require_struct(entry.c_type, what)
                hdr.require_identifier(f"{entry.c_lower}__init", what)
                k, v = self.map_fields(f)
                hdr.require_member(entry.c_type, "key", what)
                hdr.require_member(entry.c_type, "value", what)
                order = "{ !$0.key && $1.key }" if k.type == FDP.TYPE_BOOL else "{ $0.key < $1.key }"
                kt, vt = self.value_swift_type(k), self.value_swift_type(v)
                w(f"{cm} = arena.map({prop}.sorted(by: {order})) {{ "
                  f"(entry: (key: {kt}, value: {vt})) -> UnsafeMutablePointer<{entry.c_type}>? in")
                w.indent()
                w(f"let e = arena.allocate({entry.c_type}.self)")
                w(f"{entry.c_lower}__init(e)")
                w(f"e.pointee.key = {self.lower_value(k, 'entry.key')}")
                w(f"e.pointee.value = {self.lower_value(v, 'entry.value')}")
                w("return e")
                w.dedent()
                w("}")
            elif f.type in SCALARS:
                w(f"{cm} = arena.copy({prop})")
            else:
                st, ct = self.value_swift_type(f), self.c_value_type(f)
                w(f"{cm} = arena.map({prop}) {{ (value: {st}) -> {ct} in {self.lower_value(f, 'value')} }}")
        else:
            w(f"{cm} = {self.lower_value(f, prop)}")

    def gen_lift_field(self, info: TypeInfo, f, swift_name: str):
        w = self.w
        member = c_field_name(f.name)
        prop = "self." + swift_escape(swift_name)
        cm = "c.pointee." + swift_escape(member)
        if f.label == FDP.LABEL_REPEATED:
            cn = "c.pointee." + swift_escape("n_" + member)
            if self.is_map(f):
                k, v = self.map_fields(f)
                w(f"for entry in ProtobufLift.buffer({cm}, count: {cn}) {{")
                w.indent()
                w("guard let entry else { continue }")
                w(f"{prop}[{self.lift_value(k, 'entry.pointee.key', f.name + '.key')}] = "
                  f"{self.lift_value(v, 'entry.pointee.value', f.name + '.value')}")
                w.dedent()
                w("}")
            elif f.type in SCALARS:
                w(f"{prop} = Array(ProtobufLift.buffer({cm}, count: {cn}))")
            else:
                w(f"{prop}.reserveCapacity({cn})")
                w(f"for element in ProtobufLift.buffer({cm}, count: {cn}) {{")
                w.indent()
                w(f"{prop}.append({self.lift_value(f, 'element', f.name)})")
                w.dedent()
                w("}")
        else:
            w(f"{prop} = {self.lift_value(f, cm, f.name, message_default=False)}")

    # ----- services -----

    def gen_service(self, s, path: tuple):
        if not self.group.services:
            fail(f"{self.file.name}: service {s.name} in group '{self.group.name}', whose Swift module "
                 f"does not depend on BatonRPC")
        w = self.w
        pkg = self.file.package
        full = f"{pkg}.{s.name}" if pkg else s.name
        ns = swift_package_prefix(pkg) + s.name
        methods = []
        for mi, meth in enumerate(s.method):
            req = self.model.type_of(meth.input_type).swift_name
            res = self.model.type_of(meth.output_type).swift_name
            name = swift_escape(meth.name[:1].lower() + meth.name[1:])
            methods.append((mi, meth, name, req, res))
        self.comments.emit(w, path, f"Names of the service {full}.")
        w(f"public enum {ns} {{")
        w.indent()
        w(f"public static let name = {swift_string_literal(full)}")
        w()
        w("/// The methods of the service, as they appear on the wire.")
        w("public enum Method {")
        w.indent()
        for mi, meth, name, req, res in methods:
            w(f"public static let {name} = MethodDescriptor(service: {swift_string_literal(full)}, "
              f"method: {swift_string_literal(meth.name)})")
        w()
        w("/// Every method, in declaration order.")
        w("public static let all: [MethodDescriptor] = [" + ", ".join(n for _, _, n, _, _ in methods) + "]")
        w.dedent()
        w("}")
        w.dedent()
        w("}")
        w()
        w(f"/// Implement to serve {full}.")
        w(f"public protocol {ns}Handler: RPCService {{")
        w.indent()
        for mi, meth, name, req, res in methods:
            self.comments.emit(w, path + (2, mi))
            if not meth.client_streaming and not meth.server_streaming:
                w(f"func {name}(_ request: {req}, context: ServerContext) async throws -> {res}")
            elif not meth.client_streaming:
                w(f"func {name}(_ request: {req}, responses: RPCWriter<{res}>, context: ServerContext) async throws")
            elif not meth.server_streaming:
                w(f"func {name}(_ requests: RPCRequestStream<{req}>, context: ServerContext) async throws -> {res}")
            else:
                w(f"func {name}(_ requests: RPCRequestStream<{req}>, responses: RPCWriter<{res}>, "
                  f"context: ServerContext) async throws")
        w.dedent()
        w("}")
        w()
        w(f"extension {ns}Handler {{")
        w.indent()
        w("public func registerMethods(with router: inout RPCRouter) {")
        w.indent()
        for mi, meth, name, req, res in methods:
            md = f"{ns}.Method.{name}"
            if not meth.client_streaming and not meth.server_streaming:
                w(f"router.registerUnary({md}) {{ try await self.{name}($0, context: $1) }}")
            elif not meth.client_streaming:
                w(f"router.registerServerStreaming({md}) {{ try await self.{name}($0, responses: $1, context: $2) }}")
            elif not meth.server_streaming:
                w(f"router.registerClientStreaming({md}) {{ try await self.{name}($0, context: $1) }}")
            else:
                w(f"router.registerBidirectionalStreaming({md}) {{ "
                  f"try await self.{name}($0, responses: $1, context: $2) }}")
        w.dedent()
        w("}")
        w.dedent()
        w("}")
        w()
        w(f"/// A typed client for {full}.")
        w(f"public struct {ns}Client: Sendable {{")
        w.indent()
        w("public let client: any RPCCaller")
        w()
        w("public init(_ client: any RPCCaller) {")
        w.indent()
        w("self.client = client")
        w.dedent()
        w("}")
        for mi, meth, name, req, res in methods:
            md = f"{ns}.Method.{name}"
            w()
            self.comments.emit(w, path + (2, mi))
            if not meth.client_streaming and not meth.server_streaming:
                w(f"public func {name}(_ request: {req}, options: CallOptions = .defaults) async throws -> {res} {{")
                w.indent()
                w(f"try await client.unary({md}, request: request, responseType: {res}.self, "
                  f"options: options).message")
            elif not meth.client_streaming:
                w(f"public func {name}<R: Sendable>(_ request: {req}, options: CallOptions = .defaults, "
                  f"handler: @Sendable (RPCResponseStream<{res}>) async throws -> R) async throws -> R {{")
                w.indent()
                w(f"try await client.serverStreaming({md}, request: request, responseType: {res}.self, "
                  f"options: options, handler: handler)")
            elif not meth.server_streaming:
                w(f"public func {name}(options: CallOptions = .defaults, "
                  f"requests: @Sendable (RPCRequestWriter<{req}>) async throws -> Void) async throws -> {res} {{")
                w.indent()
                w(f"try await client.clientStreaming({md}, requestType: {req}.self, responseType: {res}.self, "
                  f"options: options, requests: requests).message")
            else:
                w(f"public func {name}<R: Sendable>(options: CallOptions = .defaults, "
                  f"handler: @Sendable (RPCRequestWriter<{req}>, RPCResponseStream<{res}>) async throws -> R) "
                  f"async throws -> R {{")
                w.indent()
                w(f"try await client.bidirectionalStreaming({md}, requestType: {req}.self, "
                  f"responseType: {res}.self, options: options, handler: handler)")
            w.dedent()
            w("}")
        w.dedent()
        w("}")

    # ----- file -----

    def generate(self) -> str:
        w = self.w
        w(f"// Generated by dev/generate-protos from {self.file.name}. Do not edit.")
        w("// swift-format-ignore-file")
        w()
        w("import BatonProtobuf")
        if self.file.service and self.group.import_baton_rpc:
            w("import BatonRPC")
        w(f"import {self.group.c_module}")
        w("import CProtobufC")
        prefix = swift_package_prefix(self.file.package)
        pkg = self.file.package + "." if self.file.package else ""
        for ei, e in enumerate(self.file.enum_type):
            w()
            self.gen_enum(self.model.type_of(pkg + e.name), (5, ei))
        for mi, m in enumerate(self.file.message_type):
            w()
            self.gen_message(self.model.type_of(pkg + m.name), (4, mi))
        for si, s in enumerate(self.file.service):
            w()
            self.gen_service(s, (6, si))
        return w.text()


def symbols_of(file_proto) -> list[str]:
    pkg = file_proto.package + "." if file_proto.package else ""
    out = []

    def message(prefix, m):
        out.append(prefix + m.name)
        for n in m.nested_type:
            message(prefix + m.name + ".", n)
        for e in m.enum_type:
            out.append(prefix + m.name + "." + e.name)

    for m in file_proto.message_type:
        message(pkg, m)
    for e in file_proto.enum_type:
        out.append(pkg + e.name)
    for s in file_proto.service:
        out.append(pkg + s.name)
        for meth in s.method:
            out.append(pkg + s.name + "." + meth.name)
    return out


def generate_registry(group: Group, fds, files: list[str]) -> str:
    w = Writer()
    w("// Generated by dev/generate-protos. Do not edit.")
    w("// swift-format-ignore-file")
    w()
    w("import BatonProtobuf")
    w()
    w(f"/// The .proto files compiled into {group.swift_module}, as serialized")
    w("/// `google.protobuf.FileDescriptorProto`s (for server reflection).")
    w(f"public enum {group.swift_module}ProtoFiles {{")
    w.indent()
    w("/// Every file, dependencies before dependents.")
    w("public static let all: [ProtoFileDescriptor] = [")
    w.indent()
    by_name = {f.name: f for f in fds.file}
    for name in files:
        f = descriptor_pb2.FileDescriptorProto()
        f.CopyFrom(by_name[name])
        f.ClearField("source_code_info")
        encoded = base64.b64encode(f.SerializeToString(deterministic=True)).decode("ascii")
        deps = ", ".join(swift_string_literal(d) for d in f.dependency)
        syms = ", ".join(swift_string_literal(s) for s in symbols_of(f))
        w("ProtoFileDescriptor(")
        w.indent()
        w(f"name: {swift_string_literal(f.name)},")
        w(f"package: {swift_string_literal(f.package)},")
        w(f"dependencies: [{deps}],")
        w(f"symbols: [{syms}],")
        w(f"serializedBase64: \"{encoded}\"")
        w.dedent()
        w("),")
    w.dedent()
    w("]")
    w.dedent()
    w("}")
    return w.text()


# --------------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------------

def run(cmd: list[str]):
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=PROTO_ROOT)
    if result.returncode != 0:
        fail(f"command failed: {' '.join(cmd)}\n{result.stdout}{result.stderr}")


def topo_order(fds, files: list[str]) -> list[str]:
    by_name = {f.name: f for f in fds.file}
    order, seen = [], set()

    def visit(n):
        if n in seen:
            return
        seen.add(n)
        for d in by_name[n].dependency:
            if d in files:
                visit(d)
        order.append(n)

    for n in sorted(files):
        visit(n)
    return order


def generate_group(group: Group, output_root: str, work: str):
    files = list(group.files)
    orig_path = os.path.join(work, f"{group.name}.pb")
    run(["protoc", f"-I{PROTO_ROOT}", "--include_imports", "--include_source_info",
         f"--descriptor_set_out={orig_path}"] + files)
    fds = descriptor_pb2.FileDescriptorSet()
    with open(orig_path, "rb") as fh:
        fds.ParseFromString(fh.read())
    for f in fds.file:
        for dep in f.dependency:
            if f.name in files and dep not in files:
                fail(f"{f.name} imports {dep}, which is not in group '{group.name}'; "
                     f"cross-group imports are not supported")
        if f.name in files and f.syntax != "proto3":
            fail(f"{f.name}: only proto3 files are supported")

    mod_path = os.path.join(work, f"{group.name}.protoc-c.pb")
    with open(mod_path, "wb") as fh:
        fh.write(rewrite_for_protoc_c(fds).SerializeToString(deterministic=True))
    c_tmp = os.path.join(work, f"{group.name}-c")
    os.makedirs(c_tmp)
    run(["protoc", f"--descriptor_set_in={mod_path}", f"--c_out={c_tmp}"] + files)

    # C target: sources at the root, headers under include/, one umbrella header.
    c_dir = os.path.join(output_root, group.c_dir)
    shutil.rmtree(c_dir, ignore_errors=True)
    os.makedirs(os.path.join(c_dir, "include"))
    headers = {}
    for name in files:
        stem = name[: -len(".proto")]
        src_c = os.path.join(c_tmp, stem + ".pb-c.c")
        src_h = os.path.join(c_tmp, stem + ".pb-c.h")
        dst_c = os.path.join(c_dir, stem + ".pb-c.c")
        dst_h = os.path.join(c_dir, "include", stem + ".pb-c.h")
        os.makedirs(os.path.dirname(dst_c), exist_ok=True)
        os.makedirs(os.path.dirname(dst_h), exist_ok=True)
        shutil.copyfile(src_c, dst_c)
        shutil.copyfile(src_h, dst_h)
        with open(src_h) as fh:
            headers[name] = Header(fh.read(), os.path.join(group.c_dir, "include", stem + ".pb-c.h"))
    with open(os.path.join(c_dir, "include", group.c_module + ".h"), "w") as fh:
        guard = re.sub(r"\W", "_", group.c_module.upper()) + "_H"
        fh.write(f"// Generated by dev/generate-protos. Do not edit.\n"
                 f"#ifndef {guard}\n#define {guard}\n"
                 f"// Swift reads deprecated fields too; no warnings for generated accessors.\n"
                 f"#ifndef PROTOBUF_C__NO_DEPRECATED\n#define PROTOBUF_C__NO_DEPRECATED\n#endif\n")
        for name in files:
            fh.write(f'#include "{name[: -len(".proto")]}.pb-c.h"\n')
        fh.write(f"#endif\n")
    # An explicit module map: SwiftPM refuses an umbrella header with folders next to it.
    with open(os.path.join(c_dir, "include", "module.modulemap"), "w") as fh:
        fh.write(f"// Generated by dev/generate-protos. Do not edit.\n"
                 f"module {group.c_module} {{\n"
                 f"    header \"{group.c_module}.h\"\n"
                 f"    export *\n"
                 f"}}\n")

    # Swift
    model = Model(fds)
    swift_dir = os.path.join(output_root, group.swift_dir)
    shutil.rmtree(swift_dir, ignore_errors=True)
    os.makedirs(swift_dir)
    by_name = {f.name: f for f in fds.file}
    for name in files:
        text = FileGenerator(model, group, by_name[name], headers[name]).generate()
        out_name = "".join(swift_upper_camel(p) for p in name[: -len(".proto")].split("/")) + ".pb.swift"
        with open(os.path.join(swift_dir, out_name), "w") as fh:
            fh.write(text)
    with open(os.path.join(swift_dir, f"{group.swift_module}ProtoFiles.swift"), "w") as fh:
        fh.write(generate_registry(group, fds, topo_order(fds, files)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output-root", default=REPO_ROOT)
    parser.add_argument("--group", action="append", help="only these groups (default: all)")
    args = parser.parse_args()
    try:
        with tempfile.TemporaryDirectory(prefix="baton-protogen-") as work:
            for group in GROUPS:
                if args.group and group.name not in args.group:
                    continue
                generate_group(group, os.path.abspath(args.output_root), work)
    except GeneratorError as error:
        print(f"generate-protos: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
