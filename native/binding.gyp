{
  "variables": {
    # Built by scripts/build-addon.js (npm install in the repository, or npm run build:addon) into
    # native/build/Release. It lives here, not at the package root, so that npm never runs
    # node-gyp on its own when the package is installed: users get the prebuilds.
    # 1: build with AddressSanitizer + UBSan (scripts/test-asan.sh builds such a copy)
    "aya_sanitize%": 0,
    # Development only: 1 builds the macOS backend (native/darwin/) on Linux, against a
    # libdispatch (swift-corelibs-libdispatch) installed under aya_libdispatch, with clang
    # (CC=clang); docs/architecture.md, "The macOS backend".
    "aya_dispatch_on_linux%": 0,
    "aya_libdispatch%": ""
  },
  "targets": [
    {
      "target_name": "ayafileio",
      "sources": ["common/module.c", "common/napi_args.c", "common/slab_pool.c"],
      "defines": ["NAPI_VERSION=8"],
      # -Werror: every build of these sources is warning-free (scripts/build-win.sh, scripts/build-darwin.sh
      # and scripts/prebuild.js's zig builds too); fix a warning, never silence it.
      "cflags_c": ["-std=c11", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Werror"],
      "conditions": [
        ["OS=='linux'", {
          "sources": ["linux/ring.c", "linux/creds.c", "linux/engine.c", "linux/whole.c",
                      "linux/size_owner.c", "linux/notify_loop.c", "linux/notify_thread.c"],
          # dlsym (notify_loop.c) and pthreads live in libc itself only from glibc 2.34 on.
          "libraries": ["-ldl", "-lpthread"],
          # scripts/prebuild.js reads this condition (its name and its own sources) for the
          # Linux prebuilds; the development build of the macOS backend nests inside it.
          "conditions": [
            ["aya_dispatch_on_linux==1", {
              "sources/": [["exclude", "^linux/"]],
              "cflags_c": ["-fblocks"],
              "defines": ["_GNU_SOURCE"],
              "include_dirs": ["<(aya_libdispatch)/include"],
              "libraries": ["-L<(aya_libdispatch)/lib", "-ldispatch", "-lBlocksRuntime", "-Wl,-rpath,<(aya_libdispatch)/lib"],
              # Never unloaded, as libdispatch in macOS's libSystem: a worker that alone loaded
              # the addon unloads it at exit, and its thread's libdispatch TSD destructors
              # (set by a semaphore or group wait on that thread) would then run unmapped code.
              "ldflags": ["-Wl,-z,nodelete"]
            }]
          ]
        }],
        ["OS=='mac' or aya_dispatch_on_linux==1", {
          "sources": ["common/completions.c", "common/offthread.c",
                      "darwin/addon.c", "darwin/deliver.c", "darwin/fdtable.c",
                      "darwin/ops.c", "darwin/sys.c"]
        }],
        ["OS=='mac'", {
          # Apple clang compiles blocks (-fblocks) by default; libdispatch is in libSystem.
          "xcode_settings": { "GCC_C_LANGUAGE_STANDARD": "c11", "OTHER_CFLAGS": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Werror"] }
        }],
        ["OS=='win'", {
          "sources": ["common/completions.c", "common/offthread.c",
                      "win/addon.c", "win/errors.c", "win/fdtable.c", "win/open.c",
                      "win/ops.c", "win/port.c", "win/stat.c"],
          # The same Windows 10 API level as scripts/build-win.sh's mingw build. Only kernel32
          # functions are used, and node-gyp links kernel32.lib already.
          "defines": ["UNICODE", "_UNICODE", "_WIN32_WINNT=0x0A00"],
          # _Static_assert needs C11 (MSVC 2019 16.8+); Node's common.gypi adds -std:c++17 for
          # C++ sources, and cl takes a C and a C++ standard side by side.
          "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["/std:c11"] } }
        }],
        ["aya_sanitize==1", {
          "cflags_c": ["-fsanitize=address,undefined", "-fno-omit-frame-pointer", "-fno-sanitize-recover=undefined", "-O1", "-g"],
          "ldflags": ["-fsanitize=address,undefined"]
        }]
      ]
    }
  ]
}
