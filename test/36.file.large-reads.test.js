'use strict';
// Covers: every backend (native and fallback passes), every platform; what: reads and writes of 1 byte to 64 MiB against node:fs.
// Reads and writes from 1 byte to 64 MiB at unaligned offsets, compared with node:fs. Large
// ops are where backends split work: Dispatch I/O delivers a read in parts of at most its
// high-water mark (1 MiB), each of which must land at its own offset in the caller's buffer.
const test = require('node:test');
const assert = require('node:assert');
const crypto = require('node:crypto');
const fs = require('node:fs');
const { open } = require('../dist/index.js');
const { tmpPath } = require('./_lib/file-helpers.js');

const MiB = 1024 * 1024;
const SIZES = [1, 2, 4095, 4097, 65537, MiB - 1, MiB + 1, 3 * MiB + 5, 17 * MiB + 3, 64 * MiB];
const FILE_SIZE = 64 * MiB + 12345;

/** A deterministic generator (mulberry32), so a failure can be replayed from the seed. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** A file of FILE_SIZE random bytes, and its path. */
function bigFile() {
  const data = crypto.randomBytes(FILE_SIZE);
  const p = tmpPath('large');
  fs.writeFileSync(p, data);
  return { p, data };
}

/** What node:fs reads at `pos`. */
function fsRead(p, pos, size) {
  const fd = fs.openSync(p, 'r');
  try {
    const buf = Buffer.alloc(size);
    const n = fs.readSync(fd, buf, 0, size, pos);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

test('readAt and readAtInto of 1 byte to 64 MiB at random offsets match node:fs', async () => {
  const { p } = bigFile();
  const next = rng(0x5eed);
  const f = await open(p, 'rb');
  try {
    for (const size of SIZES) {
      const pos = Math.floor(next() * (FILE_SIZE - size)) | 1; // odd: never aligned
      const expected = fsRead(p, pos, size);
      assert.ok((await f.readAt(pos, size)).equals(expected), `readAt(${pos}, ${size})`);
      const into = Buffer.alloc(size + 3);
      assert.strictEqual(await f.readAtInto(pos, into, 3, size), size);
      assert.ok(into.subarray(3).equals(expected), `readAtInto(${pos}, ${size}) at buffer offset 3`);
    }
    // Across the end of the file: short by exactly what is missing.
    const tail = await f.readAt(FILE_SIZE - 5 * MiB - 7, 8 * MiB);
    assert.ok(tail.equals(fsRead(p, FILE_SIZE - 5 * MiB - 7, 8 * MiB)));
    assert.strictEqual(tail.length, 5 * MiB + 7);
  } finally {
    await f.close();
    fs.rmSync(p, { force: true });
  }
});

test('large reads at the file position (read(n)) and large parallel readAt calls match node:fs', async () => {
  const { p, data } = bigFile();
  const f = await open(p, 'rb');
  try {
    let at = 0;
    for (const size of [3, 5 * MiB + 1, MiB - 1, 20 * MiB + 9]) {
      assert.ok((await f.read(size)).equals(data.subarray(at, at + size)), `read(${size}) at ${at}`);
      at += size;
    }
    const next = rng(7);
    const ranges = Array.from({ length: 8 }, () => {
      const size = Math.floor(next() * 6 * MiB) + 1;
      return { pos: Math.floor(next() * (FILE_SIZE - size)), size };
    });
    const parts = await Promise.all(ranges.map((r) => f.readAt(r.pos, r.size)));
    parts.forEach((part, i) => assert.ok(part.equals(data.subarray(ranges[i].pos, ranges[i].pos + ranges[i].size))));
  } finally {
    await f.close();
    fs.rmSync(p, { force: true });
  }
});

test('writeAt of 1 byte to 64 MiB at unaligned offsets writes what node:fs reads back', async () => {
  const p = tmpPath('large-write');
  const f = await open(p, 'w+b');
  const next = rng(42);
  const expected = Buffer.alloc(FILE_SIZE);
  try {
    for (const size of SIZES) {
      const pos = Math.floor(next() * (FILE_SIZE - size)) | 1;
      const chunk = crypto.randomBytes(size);
      assert.strictEqual(await f.writeAt(pos, chunk), size);
      chunk.copy(expected, pos);
    }
    await f.flush();
    const written = fs.readFileSync(p);
    assert.ok(written.equals(expected.subarray(0, written.length)), 'file content');
    assert.ok(expected.subarray(written.length).every((b) => b === 0), 'nothing past the end was written');
  } finally {
    await f.close();
    fs.rmSync(p, { force: true });
  }
});
