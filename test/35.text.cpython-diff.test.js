'use strict';
// Covers: every backend (native and fallback passes), every platform with python3 (skipped under Wine); what: differential test against CPython's open().
// Differential test against CPython's own open(): seeded random sequences of operations
// (text modes r/r+/w/w+/a/a+ with utf-8/utf-16-le/latin-1, every newline setting and error
// mode; binary modes too), plus fixed cases shifting '\r\n' and multi-byte characters across
// every offset of the chunk size, applied to the same starting file by CPython (one
// long-lived python3 process, test/_lib/pyref.py) and by our public open(); every result and
// the final bytes must match. Sequences honour docs/text.md's caveats A–F (see test/_lib/textdiff.js).
// `npm run test:diff:long` (this file with --long) runs 100,000 random sequences;
// DIFF_SEED=n picks another seed.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { open } = require('../dist/index.js');
const { TextFile } = require('./_lib/internals.js').text;
const { FakeBuffered } = require('./_lib/fake-buffered.js');
const { randomSequences, boundarySequences, runDifferential, modeInfo } = require('./_lib/textdiff.js');

const LONG = process.argv.includes('--long');
const TEXT_COUNT = LONG ? 80000 : 1600;
const BINARY_COUNT = LONG ? 20000 : 400;
const SEED = Number(process.env.DIFF_SEED ?? 20261126);
const hasPython = spawnSync('python3', ['--version']).status === 0;
const skip = process.env.AYAFILEIO_WINE === '1'
  ? "Wine: the reference would be the Linux python3 outside Wine, which cannot open Windows drive paths and writes LF for newline=None where Windows writes CRLF (os.EOL); the Linux passes run this file"
  : hasPython ? false : 'python3 is not installed (.ci/run installs it)';
const timeout = LONG ? Infinity : 600000;

const dir = fs.mkdtempSync(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'aya-diff-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

/** Our side through the public open(), with the file's buffer size from `bufferSize(seq)`. */
function openReal(bufferSize) {
  return async (seq) => {
    const p = path.join(dir, `s${seq.id}`);
    fs.rmSync(p, { force: true });
    if (seq.initial !== null) fs.writeFileSync(p, Buffer.from(seq.initial, 'hex'));
    const text = seq.mode.includes('b') ? {} : { encoding: seq.encoding, errors: seq.errors, newline: seq.newline };
    const file = await open(p, seq.mode, { ...text, bufferSize: bufferSize(seq) });
    const finish = async () => {
      await file.close();
      const bytes = fs.readFileSync(p);
      fs.rmSync(p);
      return bytes;
    };
    return { file, finish };
  };
}

/** Our text layer alone over an in-memory BufferedIO whose reads return `maxRead` bytes. */
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

const BUFFER_SIZES = [3, 16, 61, 4096, 65536];
const randomBufferSize = (seq) => BUFFER_SIZES[seq.id % BUFFER_SIZES.length];

function assertNoFailures(failures, what) {
  const shown = failures
    .slice(0, 5)
    .map((f) => `${f.diff.slice(0, 600)}\n  sequence: ${JSON.stringify(f.seq).slice(0, 1500)}`)
    .join('\n');
  assert.strictEqual(failures.total, 0, `${failures.total} ${what} differ from CPython:\n${shown}`);
}

test(`${TEXT_COUNT} random text-mode sequences match CPython (seed ${SEED})`, { skip, timeout }, async () => {
  const seqs = randomSequences(SEED, TEXT_COUNT, false);
  assertNoFailures(await runDifferential(seqs, openReal(randomBufferSize)), 'sequences');
});

test(`${BINARY_COUNT} random binary-mode sequences match CPython (seed ${SEED})`, { skip, timeout }, async () => {
  const seqs = randomSequences(SEED + 1, BINARY_COUNT, true);
  assertNoFailures(await runDifferential(seqs, openReal(randomBufferSize)), 'sequences');
});

test('\\r\\n and multi-byte characters at every offset of the buffer size match CPython', { skip, timeout }, async () => {
  for (const size of [5, 16]) {
    assertNoFailures(await runDifferential(boundarySequences(0, size), openReal(() => size)), `boundary cases (bufferSize ${size})`);
  }
});

test('the text layer alone, fed 1 or 7 bytes per read, matches CPython on the boundary cases', { skip, timeout }, async () => {
  for (const maxRead of [1, 7]) {
    const seqs = boundarySequences(0, maxRead, false);
    assertNoFailures(await runDifferential(seqs, openWithFake(maxRead)), `boundary cases (reads of ${maxRead})`);
  }
});
