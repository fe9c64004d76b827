/*
 * Slots of the engine's multi-request ops (whole.h's whole-file reads and writes): a stack of
 * free slot numbers, and the user_data layout their requests share — the op's tag bit, the
 * step in bits 56-57, the slot in bits 40-47 and the JS token in the low 32 bits (bits 32, 61
 * and 63 are the tags: engine.c's open and linked close, whole.h's).
 */
#ifndef AYA_SLOTS_H
#define AYA_SLOTS_H

#include <stdbool.h>
#include <stdint.h>

/* Ops of one kind in flight at once. */
#define AYA_SLOTS 256u

#define AYA_SLOT_STEP_SHIFT 56
#define AYA_SLOT_SHIFT 40
#define AYA_SLOT_MASK 0xffu
_Static_assert(AYA_SLOTS == AYA_SLOT_MASK + 1, "a slot fits its user_data bits");

struct aya_slot_stack {
  uint32_t n_free;
  uint16_t free[AYA_SLOTS];
};

/* Every slot free. */
static inline void aya_slots_fill(struct aya_slot_stack *s) {
  s->n_free = 0;
  for (uint32_t i = AYA_SLOTS; i-- > 0;) s->free[s->n_free++] = (uint16_t)i;
}

/* A free slot into *slot; false when none is. */
static inline bool aya_slot_take(struct aya_slot_stack *s, uint32_t *slot) {
  if (s->n_free == 0) return false;
  *slot = s->free[--s->n_free];
  return true;
}

static inline void aya_slot_give(struct aya_slot_stack *s, uint32_t slot) {
  s->free[s->n_free++] = (uint16_t)slot;
}

/* The user_data of step `step` of the op in `slot`, tagged `tag`, for JS token `token`. */
static inline uint64_t aya_slot_user_data(uint64_t tag, uint32_t slot, uint32_t step, uint64_t token) {
  return tag | ((uint64_t)step << AYA_SLOT_STEP_SHIFT) | ((uint64_t)slot << AYA_SLOT_SHIFT) | (token & 0xffffffffull);
}

static inline uint32_t aya_slot_of(uint64_t user_data) {
  return (uint32_t)(user_data >> AYA_SLOT_SHIFT) & AYA_SLOT_MASK;
}

static inline uint32_t aya_step_of(uint64_t user_data) {
  return (uint32_t)(user_data >> AYA_SLOT_STEP_SHIFT) & 3;
}

#endif
