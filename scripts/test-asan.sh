#!/usr/bin/env bash
# Builds the native addon with AddressSanitizer + UndefinedBehaviorSanitizer (a separate copy
# in build-asan/, so the release build stays) and runs the test suite's native pass against
# it. Node itself is not instrumented, so libasan is preloaded and leak checking is off
# (node does not free everything at exit); any ASan or UBSan report fails the run.
#
#   npm run test:asan [-- test/some.test.js ...]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$root/build-asan

rm -rf "$out" && mkdir -p "$out"
cp -r native "$out/" && rm -rf "$out/native/build"
# The copy's binding.gyp turns the sanitizer variable on.
sed 's/"aya_sanitize%": 0/"aya_sanitize%": 1/' native/binding.gyp >"$out/native/binding.gyp"
grep -q '"aya_sanitize%": 1' "$out/native/binding.gyp" || { echo "native/binding.gyp: aya_sanitize variable not found"; exit 1; }

# node-gyp: on PATH inside npm scripts; otherwise the copy bundled with npm.
if command -v node-gyp >/dev/null; then
  gyp=(node-gyp)
else
  gyp=(node "${npm_config_node_gyp:-$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js}")
fi
prefix=$(dirname "$(command -v node)")/..
nodedir=()
[ -f "$prefix/include/node/common.gypi" ] && nodedir=(--nodedir="$prefix")
(cd "$out/native" && "${gyp[@]}" rebuild "${nodedir[@]}" >../build.log 2>&1) || { cat "$out/build.log"; exit 1; }

libasan=$(cc -print-file-name=libasan.so)
export LD_PRELOAD=$libasan
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:log_path=$out/asan
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:log_path=$out/ubsan
export AYAFILEIO_ADDON=$out/native/build/Release/ayafileio.node
export AYAFILEIO_BACKEND=native

status=0
node scripts/run-tests.js --only-native "$@" || status=$?
if compgen -G "$out/asan*" >/dev/null || compgen -G "$out/ubsan*" >/dev/null; then
  echo "sanitizer reports:"; cat "$out"/asan* "$out"/ubsan* 2>/dev/null
  status=1
fi
exit $status
