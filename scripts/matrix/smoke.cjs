// The compatibility matrix's smoke test (scripts/test-matrix.sh): run from a project that
// installed the packed tarball, as `node smoke.cjs` (require) and `node smoke.mjs` (import).
// Checks the data of every kind of op and that the expected backend is in use, then leaves
// the process to exit by itself (an op still keeping the loop alive would hang it).
//   SMOKE_EXPECT=io_uring (default) | fallback:<regex the reason must match>
'use strict';
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const runtime = process.versions.bun ? `bun ${process.versions.bun}` : process.versions.deno ? `deno ${process.versions.deno}` : `node ${process.versions.node}`;

async function run(lib, how) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-smoke-'));
  try {
    const p = path.join(dir, 'a.bin');
    const big = Buffer.alloc(1 << 20);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 12)) & 0xff;
    await lib.writeFile(p, big);
    assert.ok((await lib.readFile(p)).equals(big), 'readFile returns what writeFile wrote');

    const f = await lib.open(p, 'r+b');
    // Large reads go to the kernel's workers, so their completions come back through the
    // wake-up path (not inline): 32 at once, each checked.
    const reads = [];
    for (let i = 0; i < 32; i++) reads.push(f.readAt(i * 1000, 512 * 1024).then((b) => [i, b]));
    for (const [i, b] of await Promise.all(reads)) assert.ok(b.equals(big.subarray(i * 1000, i * 1000 + 512 * 1024)), `readAt #${i}`);
    await f.seek(10);
    await f.write(Buffer.from('hello'));
    await f.flush();
    await f.seek(8);
    assert.deepStrictEqual([...(await f.read(9))], [...big.subarray(8, 10), ...Buffer.from('hello'), ...big.subarray(15, 17)]);
    await f.close();

    const t = path.join(dir, 't.txt');
    const w = await lib.open(t, 'w');
    await w.write('zwei ünïcode Zeilen\nzwei\n');
    await w.close();
    const r = await lib.open(t, 'r');
    const lines = [];
    for await (const line of r) lines.push(line);
    await r.close();
    assert.deepStrictEqual(lines, ['zwei ünïcode Zeilen\n', 'zwei\n']);

    const info = lib.getBackendInfo();
    const expect = process.env.SMOKE_EXPECT || 'io_uring';
    if (expect.startsWith('fallback:')) {
      assert.strictEqual(info.backend, 'fallback');
      assert.match(info.reason, new RegExp(expect.slice('fallback:'.length)));
    } else {
      assert.strictEqual(info.backend, expect, `backend (reason: ${info.reason})`);
    }
    const wakeup = info.ring && info.ring.wakeup ? ` wakeup=${info.ring.wakeup}` : '';
    console.log(`smoke ok: ${runtime} ${how} backend=${info.backend}${wakeup}${info.reason ? ` reason="${info.reason}"` : ''}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { run };
if (require.main === module) {
  run(require('ayafileio'), 'require').catch((err) => {
    console.error(`smoke FAILED: ${runtime} require:`, err);
    process.exitCode = 1;
  });
}
