'use strict';
// Covers: every backend (native and fallback passes), every platform (fd-limit case Linux); what: handlePoolMaxTotal/PerKey cap the whole-file helpers' open files.
// handlePoolMaxTotal / handlePoolMaxPerKey cap how many files readFile/writeFile/appendFile
// hold open at once. Counted by wrapping the backend's open/close; every call must still
// complete with the right result (no deadlock, errors give their slot back).
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { readFile, writeFile, appendFile, configure, resetConfig } = require('../dist/index.js');
const { getBackend } = require('./_lib/internals.js').engine;
const { slotStats } = require('./_lib/internals.js').openLimit;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-limit-'));
const files = Array.from({ length: 6 }, (_, i) => path.join(dir, `f${i}`));
for (const [i, f] of files.entries()) fs.writeFileSync(f, `content ${i}\n`);

/** Count open fds (total, and the most at once per path) while `run` goes; restore after. */
async function countOpen(run) {
  const backend = getBackend();
  const counts = { now: 0, max: 0, perPath: new Map(), maxPerPath: 0 };
  const byFd = new Map();
  const open = backend.open;
  const close = backend.close;
  backend.open = async function (p, flags, mode) {
    const fd = await open.call(this, p, flags, mode);
    if (fd >= 0) {
      const key = String(p);
      byFd.set(fd, key);
      counts.max = Math.max(counts.max, ++counts.now);
      const n = (counts.perPath.get(key) ?? 0) + 1;
      counts.perPath.set(key, n);
      counts.maxPerPath = Math.max(counts.maxPerPath, n);
    }
    return fd;
  };
  backend.close = async function (fd) {
    const key = byFd.get(fd);
    counts.now--;
    counts.perPath.set(key, counts.perPath.get(key) - 1);
    return close.call(this, fd);
  };
  try {
    await run();
  } finally {
    delete backend.open;
    delete backend.close;
    if (backend.open !== open) Object.assign(backend, { open, close });
  }
  return counts;
}

test.afterEach(() => resetConfig());
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('handlePoolMaxTotal caps the files open at once; every call still completes', async () => {
  configure({ handlePoolMaxTotal: 2 });
  let results;
  const counts = await countOpen(async () => {
    results = await Promise.all(Array.from({ length: 60 }, (_, i) => readFile(files[i % files.length], 'utf8')));
  });
  assert.ok(counts.max <= 2, `at most 2 open, saw ${counts.max}`);
  results.forEach((r, i) => assert.strictEqual(r, `content ${i % files.length}\n`));
  assert.deepStrictEqual(slotStats(), { open: 0, waiting: 0 });
});

test('handlePoolMaxPerKey caps one path while other paths go on', async () => {
  configure({ handlePoolMaxPerKey: 1 });
  const target = path.join(dir, 'appended');
  const records = Array.from({ length: 40 }, (_, i) => `r${i}\n`);
  const counts = await countOpen(async () => {
    await Promise.all([
      ...records.map((r) => appendFile(target, r)),
      ...files.map((f) => readFile(f)),
    ]);
  });
  assert.strictEqual(counts.maxPerPath, 1);
  assert.deepStrictEqual(fs.readFileSync(target, 'utf8').split(/(?<=\n)/).sort(), [...records].sort());
});

test('failed calls give their slot back', async () => {
  configure({ handlePoolMaxTotal: 1, handlePoolMaxPerKey: 1 });
  const missing = path.join(dir, 'nope', 'x');
  const outcomes = await Promise.allSettled([
    readFile(missing), writeFile(missing, 'x'), readFile(dir), readFile(files[0], 'utf8'),
  ]);
  assert.deepStrictEqual(outcomes.map((o) => o.status), ['rejected', 'rejected', 'rejected', 'fulfilled']);
  assert.strictEqual(outcomes[3].value, 'content 0\n');
  assert.deepStrictEqual(slotStats(), { open: 0, waiting: 0 });
});

test('raising the caps while calls wait lets them in', async () => {
  configure({ handlePoolMaxTotal: 1, handlePoolMaxPerKey: 1 });
  let results;
  const counts = await countOpen(async () => {
    const pending = Promise.all(Array.from({ length: 20 }, () => readFile(files[1], 'utf8')));
    assert.deepStrictEqual(slotStats(), { open: 1, waiting: 19 });
    configure({ handlePoolMaxTotal: 8, handlePoolMaxPerKey: 8 });
    assert.deepStrictEqual(slotStats(), { open: 8, waiting: 12 });
    results = await pending;
  });
  assert.ok(counts.max <= 8);
  assert.deepStrictEqual(results, Array(20).fill('content 1\n'));
});

test('under a hard fd limit below handlePoolMaxTotal the helpers still never hit EMFILE', { skip: process.platform !== 'linux' && 'the fd limit is read from /proc/self/limits (Linux)' }, async () => {
  const { runNode, assertChildOk, lastJson } = require('./_lib/reliab-util.js');
  // 300 files read and 300 written at once with the default cap (2048) under `ulimit -n 64`.
  const code = `
    const aya = require('./dist/index.js');
    const path = require('node:path');
    const dir = process.argv[1];
    const names = Array.from({ length: 300 }, (_, i) => path.join(dir, 'many-' + i));
    (async () => {
      await Promise.all(names.map((p, i) => aya.writeFile(p, 'file ' + i)));
      const texts = await Promise.all(names.map((p) => aya.readFile(p, 'utf8')));
      const wrong = texts.filter((t, i) => t !== 'file ' + i).length;
      console.log(JSON.stringify({ cap: aya.getConfig().handlePoolMaxTotal, wrong }));
    })().catch((err) => { console.log(JSON.stringify({ error: err.code || err.message })); });`;
  const r = await runNode(code, { spawnWith: ['sh', '-c', 'ulimit -n 64 && exec "$@"', 'sh'], argv: [dir], killAfterMs: 60000 });
  assertChildOk(r);
  assert.deepStrictEqual(lastJson(r.stdout), { cap: 2048, wrong: 0 });
});

test('the slot key of a path is its absolute form: paths kept as given are exactly what path.resolve() returns', () => {
  const { slotKey } = require('./_lib/internals.js').openLimit;
  const paths = ['/a/b', '/a/b/', '/a//b', '/a/./b', '/a/../b', '/a/.hidden', '/a/b/.', '/', '//', 'rel', './rel', '../rel', '/a/b..c', '/a/.../b'];
  for (const p of paths) assert.strictEqual(slotKey(p), path.resolve(p), p);
});
