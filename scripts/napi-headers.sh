#!/usr/bin/env bash
# Prints the directory of the node-api-headers package (include/ and def/), unpacked once
# into .tmp/ from npm: the N-API headers the cross builds (build-win.sh, build-darwin.sh)
# compile against.
#
#   hdr=$(scripts/napi-headers.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

NAPI_HEADERS_VERSION=1.9.0
hdr=.tmp/node-api-headers-$NAPI_HEADERS_VERSION
if [ ! -f "$hdr/include/node_api.h" ]; then
  mkdir -p "$hdr"
  # --pack-destination: under `npm pack` (prepack runs the builds) npm_config_pack_destination is set.
  tgz=$(cd .tmp && npm pack --silent --pack-destination . "node-api-headers@$NAPI_HEADERS_VERSION")
  tar -xzf ".tmp/$tgz" -C "$hdr" --strip-components=1
  rm -f ".tmp/$tgz"
fi
echo "$PWD/$hdr"
