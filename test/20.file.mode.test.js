'use strict';
// Covers: every backend (native and fallback passes), every platform; what: Python mode strings, parsed and applied on open.
// Python mode strings: parsing, and what each mode does to the file on open.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const { parseMode } = require('./_lib/internals.js').mode;
const { open } = require('../dist/index.js');
const { tmpPath, fileWith, rejectsWith } = require('./_lib/file-helpers.js');

/** Every ordering of the characters of `s`. */
function permutations(s) {
  if (s.length <= 1) return [s];
  const out = [];
  for (let i = 0; i < s.length; i++) for (const rest of permutations(s.slice(0, i) + s.slice(i + 1))) out.push(s[i] + rest);
  return out;
}

test('parseMode: every order Python accepts gives the same capabilities', () => {
  for (const kind of 'rwax') {
    for (const extra of ['', 'b', 't', '+', 'b+', 't+']) {
      const base = parseMode(kind + extra);
      for (const p of permutations(kind + extra)) {
        const m = parseMode(p);
        assert.deepStrictEqual({ ...m, mode: base.mode }, base, p);
        assert.strictEqual(m.mode, p);
      }
    }
  }
});

test('parseMode: flags and capabilities per mode', () => {
  const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND, O_EXCL } = fs.constants;
  const cases = {
    r: [O_RDONLY, true, false], 'r+': [O_RDWR, true, true],
    w: [O_WRONLY | O_CREAT | O_TRUNC, false, true], 'w+': [O_RDWR | O_CREAT | O_TRUNC, true, true],
    a: [O_WRONLY | O_CREAT | O_APPEND, false, true], 'a+': [O_RDWR | O_CREAT | O_APPEND, true, true],
    x: [O_WRONLY | O_CREAT | O_EXCL, false, true], 'x+': [O_RDWR | O_CREAT | O_EXCL, true, true],
  };
  for (const [mode, [flags, readable, writable]] of Object.entries(cases)) {
    const m = parseMode(mode);
    assert.deepStrictEqual([m.flags, m.readable, m.writable, m.binary], [flags, readable, writable, false], mode);
    assert.strictEqual(parseMode(`${mode}b`).binary, true);
  }
  assert.deepStrictEqual(
    ['r', 'w', 'a', 'x'].map((k) => { const m = parseMode(k); return [m.append, m.create, m.truncate, m.exclusive]; }),
    [[false, false, false, false], [false, true, true, false], [true, true, false, false], [false, true, false, true]],
  );
});

test('parseMode: anything else is a TypeError ERR_INVALID_ARG_VALUE naming the mode', () => {
  for (const bad of ['', 'rw', 'rr', 'r++', 'rbt', 'U', 'rU', 'q', 'R', 'w b', 'bb', '+', 'b', 'ra+']) {
    assert.throws(() => parseMode(bad), (err) => err instanceof TypeError && err.code === 'ERR_INVALID_ARG_VALUE' && err.message.includes(`'${bad}'`), bad);
  }
  assert.throws(() => parseMode(1), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
});

test('open: an invalid mode is a rejected promise', async () => {
  await rejectsWith(open(tmpPath(), 'rw'), { code: 'ERR_INVALID_ARG_VALUE', name: 'TypeError' });
});

test("'w' and 'w+' create a missing file and truncate an existing one", async () => {
  for (const mode of ['wb', 'w+b']) {
    const missing = tmpPath();
    await (await open(missing, mode)).close();
    assert.strictEqual(fs.readFileSync(missing).length, 0);
    const existing = fileWith('old content');
    const f = await open(existing, mode);
    assert.strictEqual(fs.readFileSync(existing).length, 0, `${mode} truncates on open`);
    await f.write(Buffer.from('new'));
    await f.close();
    assert.strictEqual(fs.readFileSync(existing, 'utf8'), 'new');
  }
});

test("'w+' reads back what it wrote", async () => {
  const f = await open(tmpPath(), 'w+b');
  await f.write(Buffer.from('abc'));
  await f.seek(0);
  assert.strictEqual((await f.read()).toString(), 'abc');
  await f.close();
});

test("'a' and 'a+' create a missing file and append to an existing one", async () => {
  for (const mode of ['ab', 'a+b']) {
    const missing = tmpPath();
    await (await open(missing, mode)).close();
    assert.ok(fs.existsSync(missing));
    const existing = fileWith('start-');
    const f = await open(existing, mode);
    assert.strictEqual(await f.tell(), 6, 'append mode starts at the end');
    if (mode === 'a+b') {
      await f.seek(0);
      assert.strictEqual((await f.read(5)).toString(), 'start');
    }
    await f.write(Buffer.from('end'));
    assert.strictEqual(await f.tell(), 9, 'after an append the position is the end');
    await f.close();
    assert.strictEqual(fs.readFileSync(existing, 'utf8'), 'start-end');
  }
});

test("'x' and 'x+' create a new file and fail with EEXIST on an existing one", async () => {
  for (const mode of ['xb', 'x+b']) {
    const p = tmpPath();
    const f = await open(p, mode);
    await f.write(Buffer.from('x'));
    await f.close();
    assert.strictEqual(fs.readFileSync(p, 'utf8'), 'x');
    await rejectsWith(open(p, mode), { code: 'EEXIST', syscall: 'open', path: p });
  }
});

test("'r' and 'r+' do not create: ENOENT; 'r+' writes in place without truncating", async () => {
  for (const mode of ['rb', 'r+b']) {
    const p = tmpPath();
    await rejectsWith(open(p, mode), { code: 'ENOENT', syscall: 'open', path: p });
    assert.ok(!fs.existsSync(p));
  }
  const p = fileWith('0123456789');
  const f = await open(p, 'r+b');
  await f.seek(3);
  await f.write(Buffer.from('ab'));
  await f.close();
  assert.strictEqual(fs.readFileSync(p, 'utf8'), '012ab56789');
});

test('a read-only file refuses writes and a write-only file refuses reads (EBADF)', async () => {
  const r = await open(fileWith('data'), 'rb');
  await rejectsWith(r.write(Buffer.from('x')), { code: 'EBADF', syscall: 'write' });
  await rejectsWith(r.truncate(0), { code: 'EBADF', syscall: 'ftruncate' });
  assert.strictEqual((await r.read()).toString(), 'data');
  await r.close();
  const w = await open(tmpPath(), 'wb');
  await rejectsWith(w.read(1), { code: 'EBADF', syscall: 'read' });
  await rejectsWith(w.readline(), { code: 'EBADF', syscall: 'read' });
  await w.close();
});

test('opening a directory fails with EISDIR', async () => {
  const dir = require('node:path').dirname(tmpPath());
  await rejectsWith(open(dir, 'rb'), { code: 'EISDIR', syscall: 'open', path: dir });
});
