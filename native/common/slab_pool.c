/* Recycled result slabs: see slab_pool.h for why. */
#include "slab_pool.h"

#include <stdint.h>
#include <stdlib.h>

#include "napi_args.h"

/*
 * One pool per environment. Node runs an external buffer's finalizer on the environment's
 * JavaScript thread (also at teardown for buffers still alive), so no locking is needed. The
 * pool outlives the environment's cleanup hook while slabs are still out: whichever of
 * "closed" and "last slab returned" happens second frees it.
 */
typedef struct {
  void *idle[AYA_SLAB_IDLE_MAX];
  uint32_t idle_len;
  uint32_t outstanding;
  bool closed;
} slab_pool;

static void free_pool_if_done(slab_pool *p) {
  if (p->closed && p->outstanding == 0) free(p);
}

/* Finalizer of a slab's ArrayBuffer: keep its memory for the next slab, or free it. */
static void slab_returned(napi_env env, void *data, void *hint) {
  (void)env;
  slab_pool *p = hint;
  p->outstanding--;
  if (!p->closed && p->idle_len < AYA_SLAB_IDLE_MAX)
    p->idle[p->idle_len++] = data;
  else
    free(data);
  free_pool_if_done(p);
}

/* allocSlab() → an ArrayBuffer of AYA_SLAB_BYTES (contents undefined), or null. */
static napi_value js_alloc_slab(napi_env env, napi_callback_info info) {
  slab_pool *p;
  napi_value out = NULL;
  if (napi_get_cb_info(env, info, NULL, NULL, NULL, (void **)&p) != napi_ok) return NULL;
  void *mem = p->idle_len > 0 ? p->idle[--p->idle_len] : malloc(AYA_SLAB_BYTES);
  if (mem == NULL) {
    napi_get_null(env, &out);
    return out;
  }
  /* Fails where external buffers are not allowed (a V8 sandbox build): JS then uses its own. */
  if (napi_create_external_arraybuffer(env, mem, AYA_SLAB_BYTES, slab_returned, p, &out) != napi_ok) {
    free(mem);
    napi_get_null(env, &out);
    return out;
  }
  p->outstanding++;
  return out;
}

/* slabStats() → [idle, outstanding]: for tests of the recycling. */
static napi_value js_slab_stats(napi_env env, napi_callback_info info) {
  slab_pool *p;
  napi_value arr = NULL;
  if (napi_get_cb_info(env, info, NULL, NULL, NULL, (void **)&p) != napi_ok) return NULL;
  napi_create_array_with_length(env, 2, &arr);
  napi_set_element(env, arr, 0, aya_int(env, p->idle_len));
  napi_set_element(env, arr, 1, aya_int(env, p->outstanding));
  return arr;
}

/* Environment teardown: free the idle slabs; the pool goes with the last slab still out. */
static void close_pool(void *arg) {
  slab_pool *p = arg;
  while (p->idle_len > 0) free(p->idle[--p->idle_len]);
  p->closed = true;
  free_pool_if_done(p);
}

bool aya_slab_pool_init(napi_env env, napi_value exports) {
  slab_pool *p = calloc(1, sizeof *p);
  if (p == NULL) return false;
  if (napi_add_env_cleanup_hook(env, close_pool, p) != napi_ok) {
    free(p);
    return false;
  }
  napi_property_descriptor props[] = {
      {"allocSlab", NULL, js_alloc_slab, NULL, NULL, NULL, napi_default, p},
      {"slabStats", NULL, js_slab_stats, NULL, NULL, NULL, napi_default, p},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof *props, props) == napi_ok;
}
