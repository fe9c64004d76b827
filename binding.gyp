{
  "variables": {
    # 1: build with AddressSanitizer + UBSan (scripts/test-asan.sh builds such a copy)
    "aya_sanitize%": 0
  },
  "targets": [
    {
      "target_name": "ayafileio",
      "sources": ["native/common/napi_args.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags_c": ["-std=c11", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "conditions": [
        ["OS=='linux'", {
          "sources": ["native/linux/ring.c", "native/linux/creds.c", "native/linux/engine.c"]
        }],
        ["aya_sanitize==1", {
          "cflags_c": ["-fsanitize=address,undefined", "-fno-omit-frame-pointer", "-fno-sanitize-recover=undefined", "-O1", "-g"],
          "ldflags": ["-fsanitize=address,undefined"]
        }]
      ]
    }
  ]
}
