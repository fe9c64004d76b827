'use strict';
// Covers: every backend (native, waiter-thread and fallback passes), Linux and elsewhere; what: writeFile's end states against node:fs's writeFile run the same way, for the cases an adversarial pass on writeFile with one completion (open, a cut where the file is longer, write, close) found.
// Each case runs node:fs's writeFile and ayafileio's (both APIs) on twin files and compares.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const aya = require('../dist/index.js');
const ayafs = require('ayafileio/fs');

const WRITERS = { node: fs.promises.writeFile, aya: aya.writeFile, ayafs: ayafs.promises.writeFile };

function tmpDir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-wf-adversarial-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('an empty writeFile over an empty file updates its modification time, as node:fs\'s truncating open does', async (t) => {
  const dir = tmpDir(t);
  // A write of 0 bytes changes nothing in the kernel; O_TRUNC (even to the size the file has)
  // sets mtime and ctime and clears set-user-ID: `writeFile(p, '')` is a way to touch a file.
  const old = new Date(1_000_000);
  const touched = {};
  for (const [name, writeFile] of Object.entries(WRITERS)) {
    for (const flag of ['w', 'w+']) {
      const p = path.join(dir, `${name}-${flag}`);
      fs.writeFileSync(p, '');
      fs.utimesSync(p, old, old);
      await writeFile(p, '', { flag });
      const st = fs.statSync(p);
      touched[`${name} ${flag}`] = { size: st.size, mtimeMoved: st.mtimeMs !== old.getTime() };
    }
  }
  for (const [key, end] of Object.entries(touched)) assert.deepStrictEqual(end, { size: 0, mtimeMoved: true }, key);
});

/** Detach `view`'s memory and fill it with 'B's: what a program does that transfers the buffer away and reuses it. */
function transferAndReuse(view) {
  const moved = structuredClone(view.buffer, { transfer: [view.buffer] });
  new Uint8Array(moved).fill(0x42);
}

test('a buffer transferred away right after the call: the file never gets the bytes written into that memory afterwards, and an empty file is never reported written', async (t) => {
  const dir = tmpDir(t);
  // The bytes go to the kernel after the open completes. node:fs's writeFile then sees the
  // detached buffer and rejects TypeError (the file emptied by its open). Ours handed a short
  // write its address when called (the kernel then read whatever the memory held: 'B's, or
  // freed memory), and wrote a longer one from a detached view of length 0 and resolved.
  for (const size of [100, 4096, 65_536, 65_537, 100_000]) {
    for (const [name, writeFile] of Object.entries(WRITERS)) {
      const p = path.join(dir, `${name}-${size}`);
      fs.writeFileSync(p, 'old');
      const view = new Uint8Array(size).fill(0x41);
      const call = writeFile(p, view);
      transferAndReuse(view);
      let err = null;
      try {
        await call;
      } catch (e) {
        err = e;
      }
      const bytes = fs.readFileSync(p);
      const key = `${name} ${size}`;
      if (err === null) assert.ok(bytes.length === size && !bytes.some((b) => b !== 0x41), `${key}: resolved, so the file holds the data`);
      else assert.deepStrictEqual({ name: err.name, length: bytes.length }, { name: 'TypeError', length: 0 }, key);
    }
  }
});

test('writeFiles of different lengths racing on one path leave only their own bytes, never zeros (the step-by-step path, buffers over 64 KiB)', async (t) => {
  // node:fs's truncating open empties the file, then each write covers its own range: the end
  // state mixes the writers' bytes but holds no byte neither wrote. A cut made after a write
  // could extend the file past a shorter writer's cut, leaving zeros.
  const dir = tmpDir(t);
  const long = Buffer.alloc(200 * 1024, 'a');
  const short = Buffer.alloc(100 * 1024, 'b');
  for (const [name, writeFile] of Object.entries(WRITERS)) {
    const p = path.join(dir, name);
    for (let round = 0; round < 150; round++) {
      fs.writeFileSync(p, Buffer.alloc(300 * 1024, 'x'));
      await Promise.all([writeFile(p, long), writeFile(p, short), writeFile(p, long), writeFile(p, short)]);
      const end = fs.readFileSync(p);
      assert.ok(end.length === long.length || end.length === short.length, `${name}, round ${round}: ${end.length} bytes`);
      assert.strictEqual(end.indexOf(0), -1, `${name}, round ${round}: a zero byte at ${end.indexOf(0)} of ${end.length}`);
      assert.strictEqual(end.indexOf('x'), -1, `${name}, round ${round}: the old file's byte at ${end.indexOf('x')}`);
    }
  }
});
