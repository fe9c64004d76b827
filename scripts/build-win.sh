#!/usr/bin/env bash
# Cross-builds the Windows (IOCP) addon on Linux with mingw-w64 into
# prebuilds/win32-x64/ayafileio.node. node-gyp cannot cross-build with mingw (it links MSVC
# libraries), so this is a plain compiler call; on real Windows `node-gyp rebuild` builds the
# same sources from native/binding.gyp with MSVC.
#
# N-API comes from node-api-headers (headers plus a .def of node.exe's N-API exports, from
# which dlltool makes a delay-import library). The imports are delay-loaded and
# native/win/mingw/host_module.c resolves them in the executable that loaded the addon, so it
# loads under any Node-API host, not only node.exe. -static keeps libwinpthread/libgcc out,
# so the addon imports only KERNEL32 and msvcrt at load time.
#
#   scripts/build-win.sh            (needs x86_64-w64-mingw32-gcc and npm)
set -euo pipefail
cd "$(dirname "$0")/.."

cache=.tmp/win
out=prebuilds/win32-x64
cc=x86_64-w64-mingw32-gcc
dlltool=x86_64-w64-mingw32-dlltool

hdr=$(scripts/napi-headers.sh)
mkdir -p "$cache"

# Delay-import library for the N-API functions node.exe (or any host) exports.
implib="$cache/libnode_api_delay.a"
if [ ! -f "$implib" ]; then
  "$dlltool" -d "$hdr/def/node_api.def" -D node.exe -y "$implib"
fi

mkdir -p "$out"
"$cc" -std=c11 -O2 -Wall -Wextra -Werror -shared \
  -DNAPI_VERSION=8 -DNODE_GYP_MODULE_NAME=ayafileio -D_WIN32_WINNT=0x0A00 -DUNICODE -D_UNICODE \
  -I"$hdr/include" native/common/*.c native/win/*.c native/win/mingw/host_module.c \
  -o "$out/ayafileio.node" -L"$cache" -lnode_api_delay -static
echo "built $out/ayafileio.node"
