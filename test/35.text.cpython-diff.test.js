'use strict';
// Differential test against CPython's own open(): seeded random sequences of text-mode
// operations, plus fixed cases shifting '\r\n' and multi-byte characters across chunk
// boundaries, applied to the same starting file by CPython (one long-lived python3 process,
// test/_lib/pyref.py) and by us; every result and the final bytes must match.
// `node test/35.text.cpython-diff.test.js --long` runs 100,000 random sequences.
const test = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('node:child_process');
const { TextFile } = require('../dist/file/text.js');
const { FakeBuffered } = require('./_lib/fake-buffered.js');
const { makeRng, genSequence, boundarySequences, runDifferential, modeInfo } = require('./_lib/textdiff.js');

const LONG = process.argv.includes('--long');
const COUNT = LONG ? 100000 : 2000;
const SEED = Number(process.env.DIFF_SEED ?? 20261126);
const hasPython = spawnSync('python3', ['--version']).status === 0;
const skip = hasPython ? false : 'python3 is not installed (.ci/run installs it)';

/** Our side: TextFile over the in-memory BufferedIO, read chunks of `maxRead` bytes. */
function openWithFake(maxRead) {
  return async (seq) => {
    const info = modeInfo(seq.mode);
    const initial = seq.initial === null || seq.mode[0] === 'w' ? Buffer.alloc(0) : Buffer.from(seq.initial, 'hex');
    const fake = new FakeBuffered(initial, { readable: info.readable, writable: info.writable, append: info.append, maxRead });
    if (info.append) fake.position = initial.length;
    const file = new TextFile(fake, { encoding: seq.encoding, errors: seq.errors, newline: seq.newline ?? undefined });
    return { file, finish: async () => (await file.flush(), fake.data) };
  };
}

function report(failures) {
  return failures
    .slice(0, 5)
    .map((f) => `${f.diff.slice(0, 600)}\n  sequence: ${JSON.stringify(f.seq).slice(0, 1500)}`)
    .join('\n');
}

test(`${COUNT} random text sequences match CPython (seed ${SEED})`, { skip, timeout: LONG ? 0 : 600000 }, async () => {
  const rng = makeRng(SEED);
  const seqs = Array.from({ length: COUNT }, (_, id) => genSequence(rng, id, false));
  const maxRead = (id) => [1, 3, 7, 64, Infinity][id % 5];
  const failures = [];
  for (const chunk of [1, 3, 7, 64, Infinity]) {
    const mine = seqs.filter((s) => maxRead(s.id) === chunk);
    failures.push(...(await runDifferential(mine, openWithFake(chunk))));
  }
  assert.strictEqual(failures.length, 0, `${failures.length} sequences differ:\n${report(failures)}`);
});

test('boundary cases (\\r\\n and multi-byte characters at every chunk offset) match CPython', { skip }, async () => {
  for (const chunk of [5, 16]) {
    const failures = await runDifferential(boundarySequences(0, chunk), openWithFake(chunk));
    assert.strictEqual(failures.length, 0, `${failures.length} sequences differ (chunk ${chunk}):\n${report(failures)}`);
  }
});
