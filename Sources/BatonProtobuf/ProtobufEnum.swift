/// A protobuf enum generated from `proto/`. Proto3 enums are open: a value that this build
/// does not know is kept (as the generated `unrecognized` case), never lost.
public protocol ProtobufEnum: RawRepresentable, Hashable, Sendable where RawValue == Int32 {
    init(rawValue: Int32)
}
