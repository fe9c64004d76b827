'use strict';
// Covers: the loaded addon's slab pool: io_uring, IOCP or Dispatch I/O (native pass only), every platform with an addon; what: slabs recycled, readAt() results never overlap.
// The addon's result-slab pool (native/common/slab_pool.c): a collected slab's memory goes
// to the environment's idle list and the next allocSlab() reuses it; readAt() results carved
// from these slabs never overlap.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const internals = require('./_lib/internals.js');
const { loadBinding } = internals.binding;

const loaded = loadBinding();

test('collected slabs are recycled: allocSlab() reuses their memory', { skip: loaded.addon ? false : loaded.reason }, () => {
  // In a child with --expose-gc; finalizers run on a later loop turn, so turn until they have.
  const code = `
    const { loadBinding } = require(${JSON.stringify(internals.paths.binding)});
    const addon = loadBinding().addon;
    const [idle0, out0] = addon.slabStats();
    let slabs = Array.from({ length: 20 }, () => addon.allocSlab());
    const sizes = slabs.map((s) => s.byteLength);
    const afterAlloc = addon.slabStats();
    slabs = null;
    (async () => {
      let turns = 0;
      while (addon.slabStats()[1] > out0 && turns++ < 200) {
        globalThis.gc();
        await new Promise((resolve) => setImmediate(resolve));
      }
      const afterGc = addon.slabStats();
      const again = [addon.allocSlab(), addon.allocSlab()];
      const afterReuse = addon.slabStats();
      process.stdout.write(JSON.stringify({ idle0, out0, sizes, afterAlloc, afterGc, afterReuse, kept: again.length }));
    })();`;
  const r = spawnSync(process.execPath, ['--expose-gc', '-e', code], { encoding: 'utf8' });
  assert.strictEqual(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.ok(s.sizes.every((n) => n === 65536), 'every slab is 64 KiB');
  assert.deepStrictEqual(s.afterAlloc, [s.idle0, s.out0 + 20]);
  assert.deepStrictEqual(s.afterGc, [s.idle0 + 20, s.out0], 'all 20 returned to the idle list');
  assert.deepStrictEqual(s.afterReuse, [s.idle0 + 18, s.out0 + 2], 'new slabs come from the idle list');
});

test('readAt results carved from shared slabs are independent copies of their ranges', async () => {
  const { open } = require('../dist/index.js');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aya-slab-')), 'f');
  const bytes = Buffer.alloc(40 * 4096);
  for (let i = 0; i < bytes.length; i += 4) bytes.writeUInt32LE(i, i);
  fs.writeFileSync(file, bytes);
  const f = await open(file, 'rb');
  try {
    const sizes = [4096, 1, 4095, 8192, 100, 4096, 3000, 8192, 5, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096];
    let at = 0;
    const reads = sizes.map((n) => {
      const p = f.readAt(at, n).then((buf) => [buf, at0, n]);
      const at0 = at;
      at = (at + 4 * 997) % (bytes.length - 8192);
      return p;
    });
    const results = await Promise.all(reads);
    for (const [buf, pos, n] of results) assert.deepStrictEqual(buf, bytes.subarray(pos, pos + n));
    results[0][0].fill(0xee); // writing into one result must not change another
    for (const [buf, pos, n] of results.slice(1)) assert.deepStrictEqual(buf, bytes.subarray(pos, pos + n));
  } finally {
    await f.close();
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
});
