'use strict';
// The fuzz's command generators (fast-check arbitraries, see reliab-fuzz.js): commands name
// slots and files by small integers and derive written bytes from a seed, so a failing
// sequence shrinks to a minimal one that still means something.
const fc = require('fast-check');
const { FILES, SLOTS } = require('./fuzz-interpreter.js');
const { OP_FLAGS } = require('./fuzz-ops.js');

const burstArb = fc.record({
  op: fc.constant('burst'),
  slot: fc.integer({ min: 0, max: SLOTS - 1 }),
  write: fc.boolean(),
  count: fc.integer({ min: 1, max: 64 }),
  base: fc.integer({ min: 0, max: 131072 }),
  len: fc.integer({ min: 1, max: 4096 }),
  seed: fc.integer(),
});

const opCommandArb = (() => {
  const slot = fc.integer({ min: 0, max: SLOTS - 1 });
  const file = fc.integer({ min: 0, max: FILES - 1 });
  const pos = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 131072 }) }, { weight: 2, arbitrary: fc.integer({ min: 0, max: 250000 }) }, { weight: 1, arbitrary: fc.constant(-1) });
  const len = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 4096 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 70000 }) });
  const bufOff = fc.integer({ min: 0, max: 16 });
  return fc.oneof(
    { weight: 6, arbitrary: fc.record({ op: fc.constant('open'), slot, file, flags: fc.integer({ min: 0, max: OP_FLAGS.length - 1 }) }) },
    { weight: 24, arbitrary: fc.record({ op: fc.constant('read'), slot, pos, len, bufOff }) },
    { weight: 24, arbitrary: fc.record({ op: fc.constant('write'), slot, pos, len, bufOff, seed: fc.integer() }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('ftruncate'), slot, size: fc.integer({ min: 0, max: 100000 }) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('fstat'), slot }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('stat'), file }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('fsync'), slot, datasync: fc.boolean() }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('close'), slot }) },
    { weight: 1, arbitrary: fc.constant({ op: 'barrier' }) },
    { weight: 2, arbitrary: burstArb },
  );
})();

const fileCommandArb = (() => {
  const slot = fc.integer({ min: 0, max: SLOTS - 1 });
  const file = fc.integer({ min: 0, max: FILES - 1 });
  const at = fc.oneof(fc.integer({ min: 0, max: 8192 }), fc.integer({ min: 0, max: 200000 }));
  const len = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 4096 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 140000 }) });
  const readLen = fc.oneof({ weight: 6, arbitrary: len }, { weight: 1, arbitrary: fc.constant(-1) });
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ op: fc.constant('open'), slot, file, mode: fc.nat(), positional: fc.boolean() }) },
    { weight: 6, arbitrary: fc.record({ op: fc.constant('read'), slot, len: readLen }) },
    { weight: 6, arbitrary: fc.record({ op: fc.constant('write'), slot, len, seed: fc.integer() }) },
    { weight: 6, arbitrary: fc.record({ op: fc.constant('readAt'), slot, pos: at, len }) },
    { weight: 6, arbitrary: fc.record({ op: fc.constant('writeAt'), slot, pos: at, len, seed: fc.integer() }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('seek'), slot, offset: fc.integer({ min: -100000, max: 100000 }), whence: fc.constantFrom(0, 1, 2) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('tell'), slot }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate'), slot, size: fc.option(fc.integer({ min: 0, max: 150000 })) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('flush'), slot }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('stat'), slot }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('close'), slot }) },
    { weight: 1, arbitrary: fc.constant({ op: 'barrier' }) },
    { weight: 2, arbitrary: burstArb },
  );
})();

const initialFilesArb = fc.array(
  fc.record({
    present: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    len: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 100000, max: 200000 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 5000 }) }),
    seed: fc.integer(),
  }),
  { minLength: FILES, maxLength: FILES },
);

module.exports = { opCommandArb, fileCommandArb, initialFilesArb };
