'use strict';
// Covers: every backend (native and fallback passes), every platform; what: group commit of flush(), on real files and on BufferedFile over a scripted backend.
// Group commit: flush() resolves once the kernel holds every earlier write, but writes and
// flushes made while a kernel write is in flight do not wait for it; they fill the buffer and
// share the next kernel write. Checked on real files (both backends) and, for the exact
// grouping and failures, on BufferedFile over a scripted backend.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const { open } = require('../dist/index.js');
const { buffered, engine } = require('./_lib/internals.js');
const { BufferedFile } = buffered;
const { getBackend } = engine;
const { tmpPath } = require('./_lib/file-helpers.js');

const { ENOSPC } = require('./_lib/uv-errno.js');

/** Count the active backend's write calls while `fn` runs. */
async function countingWrites(fn) {
  const backend = getBackend();
  const write = backend.write;
  let calls = 0;
  backend.write = function (...args) {
    calls++;
    return write.apply(this, args);
  };
  try {
    await fn();
  } finally {
    backend.write = write;
  }
  return calls;
}

test('50 concurrent write+flush pairs: each flush resolves with its record on disk, all in order, fewer kernel writes', async () => {
  const p = tmpPath('group.jsonl');
  const records = Array.from({ length: 500 }, (_, i) => `${JSON.stringify({ i, pad: 'x'.repeat(i % 97) })}\n`);
  const calls = await countingWrites(async () => {
    const f = await open(p, 'a', { newline: '' }); // '' writes '\n' as is, also on Windows
    let next = 0;
    const worker = async () => {
      while (next < records.length) {
        const line = records[next++];
        await Promise.all([f.write(line), f.flush()]);
        assert.ok(fs.readFileSync(p, 'utf8').includes(line), 'flush resolved before its record reached the file');
      }
    };
    await Promise.all(Array.from({ length: 50 }, worker));
    await f.close();
  });
  assert.strictEqual(fs.readFileSync(p, 'utf8'), records.join(''), 'every record once, in call order');
  assert.ok(calls < records.length / 2, `flushes made during a kernel write share the next one (${calls} writes for ${records.length} flushes)`);
});

test('binary positional file: grouped flushes keep every byte at its offset', async () => {
  const p = tmpPath('group.bin');
  const f = await open(p, 'w+b', { bufferSize: 64 });
  const parts = Array.from({ length: 40 }, (_, i) => Buffer.alloc(5 + (i % 7), 65 + (i % 26)));
  await Promise.all(parts.flatMap((b) => [f.write(b), f.flush()]));
  assert.deepStrictEqual(await f.readAt(0, 1000), Buffer.concat(parts));
  assert.strictEqual(await f.tell(), Buffer.concat(parts).length);
  await f.close();
});

/**
 * A backend whose writes wait until the test releases them; each release decides the result,
 * told to the write's onDone first, as every backend does (src/engine/types.ts).
 */
function scriptedBackend() {
  const file = [];
  const held = [];
  return {
    file,
    held,
    write(fd, buf, off, len, pos, onDone) {
      const bytes = Buffer.from(buf.subarray(off, off + len));
      return new Promise((resolve) => held.push({ bytes, resolve: (n) => (onDone?.(n), resolve(n)) }));
    },
    /** Settle the oldest held write: `take` bytes (default all) or an errno (< 0). */
    release(result) {
      const w = held.shift();
      if (result === undefined || result > 0) {
        const n = result === undefined ? w.bytes.length : result;
        file.push(w.bytes.subarray(0, n).toString());
        w.resolve(n);
      } else {
        w.resolve(result);
      }
      return w.bytes.toString();
    },
  };
}

function bufferedOver(backend) {
  return new BufferedFile({ backend, fd: 3, path: 'f', readable: false, writable: true, append: true, seekable: true, bufferSize: 1024, position: 0 });
}

/** Let every pending promise job run (the scripted writes stay held). */
function settleJobs() {
  return new Promise((resolve) => setImmediate(resolve));
}

function track(promise) {
  const state = { value: 'pending' };
  promise.then(
    () => (state.value = 'resolved'),
    (err) => (state.value = err.code),
  );
  return state;
}

/** A commit, then the caller's "nothing more to add": the group's kernel write starts. */
function commitNow(io) {
  const written = io.commit();
  io.queueEmpty();
  return written;
}

/** A buffered layer over a scripted backend whose first group (`bytes`) is held in the kernel. */
async function groupInFlight(bytes) {
  const backend = scriptedBackend();
  const io = bufferedOver(backend);
  await io.write(Buffer.from(bytes));
  const lead = track(commitNow(io));
  await settleJobs();
  return { backend, io, lead };
}

test('commits gather until the queue runs empty (queueEmpty()): one kernel write for all of them', async () => {
  const backend = scriptedBackend();
  const io = bufferedOver(backend);
  const commits = [];
  for (const part of ['p', 'q', 'r']) {
    await io.write(Buffer.from(part));
    commits.push(track(io.commit()));
  }
  await settleJobs();
  assert.strictEqual(backend.held.length, 0, 'no kernel write before queueEmpty()');
  io.queueEmpty();
  await settleJobs();
  assert.strictEqual(backend.release(), 'pqr');
  await settleJobs();
  assert.deepStrictEqual(commits.map((c) => c.value), ['resolved', 'resolved', 'resolved']);
});

test('writes made while a group is in the kernel do not wait; their flushes share one later write', async () => {
  const { backend, io, lead: first } = await groupInFlight('a');
  assert.strictEqual(backend.held.length, 1, 'the first flush is in the kernel');
  await io.write(Buffer.from('b')); // resolves although the kernel write is held
  const second = track(io.commit());
  await io.write(Buffer.from('c'));
  const third = track(io.commit());
  await settleJobs();
  assert.strictEqual(backend.held.length, 1, 'no second kernel write while the first is in flight');
  assert.strictEqual(backend.release(), 'a');
  await settleJobs();
  assert.deepStrictEqual([first.value, second.value, third.value], ['resolved', 'pending', 'pending']);
  assert.strictEqual(backend.release(), 'bc', 'one write for both waiting flushes');
  await settleJobs();
  assert.deepStrictEqual([second.value, third.value], ['resolved', 'resolved']);
  assert.strictEqual(backend.file.join(''), 'abc', 'every byte written, once, in order');
});

test('a failed group rejects only the flushes whose bytes were not written; the rest is retried in order', async () => {
  const { backend, io, lead } = await groupInFlight('0');
  await io.write(Buffer.from('11'));
  const one = track(io.commit());
  await io.write(Buffer.from('22'));
  const two = track(io.commit());
  backend.release(); // '0'
  await settleJobs();
  // The group '1122': the kernel takes 2 bytes, then fails.
  backend.release(2);
  await settleJobs();
  assert.strictEqual(backend.held.length, 1, 'the short write is continued');
  await io.write(Buffer.from('33')); // arrives during the failing write: next group
  const three = track(io.commit());
  assert.strictEqual(backend.release(-ENOSPC), '22');
  await settleJobs();
  assert.deepStrictEqual([lead.value, one.value, two.value, three.value], ['resolved', 'resolved', 'ENOSPC', 'pending']);
  assert.strictEqual(backend.release(), '2233', 'the failed bytes go first in the next group');
  await settleJobs();
  assert.strictEqual(three.value, 'resolved');
  assert.strictEqual(backend.file.join(''), '0112233');
});

test('flush() waits for the group in flight and for what was written after it', async () => {
  const { backend, io, lead: grouped } = await groupInFlight('x');
  await io.write(Buffer.from('y'));
  const full = track(io.flush());
  await settleJobs();
  assert.strictEqual(full.value, 'pending');
  backend.release();
  await settleJobs();
  assert.strictEqual(grouped.value, 'resolved');
  assert.strictEqual(full.value, 'pending', 'the byte written after the group is not out yet');
  assert.strictEqual(backend.release(), 'y');
  await settleJobs();
  assert.strictEqual(full.value, 'resolved');
  assert.strictEqual(backend.file.join(''), 'xy');
});
