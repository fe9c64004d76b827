{
  "variables": {
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
      "sources": ["native/common/napi_args.c", "native/common/slab_pool.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags_c": ["-std=c11", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "conditions": [
        ["OS=='linux' and aya_dispatch_on_linux==0", {
          "sources": ["native/linux/ring.c", "native/linux/creds.c", "native/linux/engine.c"]
        }],
        ["OS=='mac' or aya_dispatch_on_linux==1", {
          "sources": ["native/common/completions.c", "native/common/offthread.c",
                      "native/darwin/addon.c", "native/darwin/deliver.c", "native/darwin/fdtable.c",
                      "native/darwin/ops.c", "native/darwin/sys.c"]
        }],
        ["OS=='mac'", {
          # Apple clang compiles blocks (-fblocks) by default; libdispatch is in libSystem.
          "xcode_settings": { "GCC_C_LANGUAGE_STANDARD": "c11", "OTHER_CFLAGS": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"] }
        }],
        ["aya_dispatch_on_linux==1", {
          "cflags_c": ["-fblocks"],
          "defines": ["_GNU_SOURCE"],
          "include_dirs": ["<(aya_libdispatch)/include"],
          "libraries": ["-L<(aya_libdispatch)/lib", "-ldispatch", "-lBlocksRuntime", "-Wl,-rpath,<(aya_libdispatch)/lib"]
        }],
        ["OS=='win'", {
          "sources": ["native/common/completions.c", "native/common/offthread.c",
                      "native/win/addon.c", "native/win/errors.c", "native/win/fdtable.c", "native/win/open.c",
                      "native/win/ops.c", "native/win/port.c", "native/win/stat.c"],
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
