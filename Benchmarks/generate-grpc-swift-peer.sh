#!/usr/bin/env bash
# Regenerates the grpc-swift-2 peer's message and service code (Benchmarks/Sources/GRPCSwiftPeer/
# Generated/) from the repo's proto/grpc/testing/{empty,messages,test}.proto with protoc,
# protoc-gen-swift (swift-protobuf) and protoc-gen-grpc-swift-2 (grpc-swift-protobuf).
# The output is committed; run this only when those protos or the package versions change.
# The two plugins are built in debug, in a scratch checkout of grpc-swift-protobuf (never
# committed; swift-protobuf's plugin takes ~10 minutes on 2 cores), one Swift build at a time.
#
# Usage: Benchmarks/generate-grpc-swift-peer.sh [--scratch DIR]   (default /tmp/grpc-swift-plugins)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

SCRATCH=/tmp/grpc-swift-plugins
GRPC_SWIFT_PROTOBUF_VERSION=2.4.1   # keep in step with Benchmarks/Package.swift

usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [[ $# -gt 0 ]]; do
    case "$1" in
        --scratch) SCRATCH=$2; shift 2 ;;
        -h|--help) usage 0 ;;
        *) echo "unknown option: $1" >&2; usage 2 ;;
    esac
done

log() { echo "generate-grpc-swift-peer: $*" >&2; }
command -v protoc >/dev/null || { log "protoc not found (apt-get install protobuf-compiler)"; exit 1; }

# --- The plugins: grpc-swift-protobuf's checkout builds its own plugin and swift-protobuf's ----
SRC="$SCRATCH/grpc-swift-protobuf"
if [[ ! -d "$SRC" ]]; then
    log "cloning grpc-swift-protobuf $GRPC_SWIFT_PROTOBUF_VERSION into $SRC"
    git clone -q --branch "$GRPC_SWIFT_PROTOBUF_VERSION" \
        https://github.com/grpc/grpc-swift-protobuf.git "$SRC" 2>/dev/null
fi
for product in protoc-gen-grpc-swift-2 protoc-gen-swift; do
    log "building $product (debug)"
    flock /tmp/baton-swift-build.lock swift build --package-path "$SRC" --product "$product" \
        >"$SCRATCH/build-$product.log" 2>&1 || { tail -40 "$SCRATCH/build-$product.log" >&2; exit 1; }
done
BIN="$(swift build --package-path "$SRC" --show-bin-path)"

# --- Generate ----------------------------------------------------------------------------------
OUT="$ROOT/Benchmarks/Sources/GRPCSwiftPeer/Generated"
rm -rf "$OUT" && mkdir -p "$OUT"
protoc -I"$ROOT/proto" \
    --plugin=protoc-gen-swift="$BIN/protoc-gen-swift" \
    --plugin=protoc-gen-grpc-swift-2="$BIN/protoc-gen-grpc-swift-2" \
    --swift_out="$OUT" --swift_opt=Visibility=Internal,FileNaming=PathToUnderscores \
    --grpc-swift-2_out="$OUT" \
    --grpc-swift-2_opt=Visibility=Internal,Server=true,Client=false,FileNaming=PathToUnderscores \
    grpc/testing/empty.proto grpc/testing/messages.proto grpc/testing/test.proto
log "wrote $(cd "$OUT" && ls | tr '\n' ' ')"
