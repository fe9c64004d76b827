/* Module registration and the op names shared by every backend (module.h). */
#include "module.h"

#include "napi_args.h"
#include "slab_pool.h"

/* The name of each op: its export, and what info().ops lists. */
static const char *const op_names[AYA_OP_COUNT] = {
    [AYA_OP_OPEN] = "open",     [AYA_OP_READ] = "read",           [AYA_OP_WRITE] = "write",
    [AYA_OP_FSYNC] = "fsync",   [AYA_OP_FTRUNCATE] = "ftruncate", [AYA_OP_STATX] = "statx",
    [AYA_OP_CLOSE] = "close",   [AYA_OP_CANCEL_FD] = "cancelFd",  [AYA_OP_MKDIR] = "mkdir",
    [AYA_OP_UNLINK] = "unlink", [AYA_OP_RENAME] = "rename",       [AYA_OP_WRITE_THEN] = "writeThen",
    [AYA_OP_WRITE_WHOLE] = "writeWhole", [AYA_OP_READ_WHOLE] = "readWhole",
    [AYA_OP_CANCEL_OPEN] = "cancelOpen",
};

/* The exports registered (one backend per build): info().ops lists only the ops it exports. */
static const aya_exports *registered;

napi_value aya_op_names(napi_env env, bool (*supported)(const void *ctx, aya_op_kind op), const void *ctx) {
  const char *names[AYA_OP_COUNT];
  size_t n = 0;
  for (int op = 0; op < AYA_OP_COUNT; op++) {
    bool exported = registered != NULL && registered->ops[op] != NULL;
    if (exported && (supported == NULL || supported(ctx, (aya_op_kind)op))) names[n++] = op_names[op];
  }
  return aya_string_array(env, names, n);
}

static napi_property_descriptor method(const char *name, napi_callback fn) {
  return (napi_property_descriptor){name, NULL, fn, NULL, NULL, NULL, napi_default, NULL};
}

bool aya_define_exports(napi_env env, napi_value exports, const char *backend, const aya_exports *fns) {
  napi_property_descriptor props[AYA_OP_COUNT + 8];
  size_t n = 0;
  registered = fns;
  for (int op = 0; op < AYA_OP_COUNT; op++) {
    if (fns->ops[op] != NULL) props[n++] = method(op_names[op], fns->ops[op]);
  }
  props[n++] = method("init", fns->init);
  props[n++] = method("info", fns->info);
  props[n++] = method("submit", fns->submit);
  props[n++] = method("shutdown", fns->shutdown);
  props[n++] = method("drainSync", fns->drain_sync);
  if (fns->own_fds != NULL) props[n++] = method("ownFds", fns->own_fds);
  if (fns->fstat_cached != NULL) props[n++] = method("fstatCached", fns->fstat_cached);
  if (fns->kernel_owns_size != NULL) props[n++] = method("kernelOwnsSize", fns->kernel_owns_size);
  napi_value name;
  return napi_create_string_utf8(env, backend, NAPI_AUTO_LENGTH, &name) == napi_ok &&
         napi_set_named_property(env, exports, "backend", name) == napi_ok &&
         napi_set_named_property(env, exports, "contractVersion", aya_int(env, AYA_CONTRACT_VERSION)) == napi_ok &&
         napi_define_properties(env, exports, n, props) == napi_ok;
}

/*
 * The slab pool first: cleanup hooks run last-registered first, so at teardown the backend
 * stops and drains its reads before the pool frees the slabs they may still be writing into.
 */
NAPI_MODULE_INIT() {
  return aya_slab_pool_init(env, exports) ? aya_backend_init(env, exports) : NULL;
}
