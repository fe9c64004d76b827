{
  "variables": {
    # Built by scripts/build-addon.js (npm install in the repository, or npm run build:addon) into
    # native/build/Release. It lives here, not at the package root, so that npm never runs
    # node-gyp on its own when the package is installed: users get the prebuilds.
    # 1: build with AddressSanitizer + UBSan (scripts/test-asan.sh builds such a copy)
    "aya_sanitize%": 0
  },
  "targets": [
    {
      "target_name": "ayafileio",
      "sources": ["common/napi_args.c", "common/slab_pool.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags_c": ["-std=c11", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "conditions": [
        ["OS=='linux'", {
          "sources": ["linux/ring.c", "linux/creds.c", "linux/engine.c",
                      "linux/notify_loop.c", "linux/notify_thread.c"],
          # dlsym (notify_loop.c) and pthreads live in libc itself only from glibc 2.34 on.
          "libraries": ["-ldl", "-lpthread"]
        }],
        ["OS=='win'", {
          "sources": ["win/addon.c", "win/errors.c", "win/fdtable.c", "win/open.c",
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
