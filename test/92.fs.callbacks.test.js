'use strict';
// Covers: every backend (native and fallback passes), every platform; what: ayafileio/fs's callback forms against node:fs's, and a graceful-fs-style storage layer on them.
// ayafileio/fs's callback forms against node:fs's (issue 16): argument errors thrown at the
// call, I/O errors and results passed to the callback, compared field by field; an fd from
// ayafileio/fs's open() works through read/write/fstat/.../close; fds from elsewhere go to
// node:fs untouched; a storage layer written against node:fs's callbacks (graceful-fs style)
// runs unchanged with ayafileio/fs swapped in. Both backends.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const aya = require('ayafileio/fs');
const { twinDirs, errorShape } = require('./_lib/fs-twins.js');

/**
 * Call `fn(...args, callback)`: { threw } for a synchronous throw, else what the callback got
 * ({ error } shape or { results }), with `dir` scrubbed from error texts.
 */
function callback(fn, args, dir, results = (...r) => r) {
  return new Promise((resolve) => {
    let sync = true;
    try {
      fn(...args, (err, ...r) => {
        if (sync) resolve({ calledSynchronously: true });
        else resolve(err ? errorShape(err, dir) : { results: results(...r) });
      });
    } catch (err) {
      resolve({ threw: errorShape(err, dir) });
    }
    sync = false;
  });
}

/** Run `scenario(fsModule, dir)` with node:fs and ayafileio/fs in twin directories and compare. */
async function same(scenario, files = {}) {
  const [nd, ad] = twinDirs(files);
  const want = await scenario(fs, nd);
  const got = await scenario(aya, ad);
  assert.deepStrictEqual(got, want, `${scenario}`);
}

test('argument errors throw at the call; I/O errors reach the callback', async () => {
  const cases = [
    (f, d) => callback(f.open, [path.join(d, 'missing')], d),
    (f, d) => callback(f.open, [path.join(d, 'missing'), 'r'], d),
    (f, d) => callback(f.open, [d, 'w', 0o644], d),
    (f, d) => callback(f.open, [42], d),
    (f, d) => callback(f.open, [path.join(d, 'a'), 'q'], d),
    (f, d) => callback(f.open, [path.join(d, 'a'), 'r', 'zz'], d),
    (f, d) => callback(f.readFile, [path.join(d, 'missing')], d),
    (f, d) => callback(f.readFile, [path.join(d, 'a'), 'utf8'], d),
    (f, d) => callback(f.readFile, [path.join(d, 'a'), { encoding: 'bogus' }], d),
    (f, d) => callback(f.readFile, [d], d),
    (f, d) => callback(f.writeFile, [path.join(d, 'w'), 'data'], d),
    (f, d) => callback(f.writeFile, [path.join(d, 'w'), 'data', { flag: 'q' }], d),
    (f, d) => callback(f.writeFile, [path.join(d, 'w'), 42], d),
    (f, d) => callback(f.writeFile, [path.join(d, 'no', 'w'), 'x'], d),
    (f, d) => callback(f.appendFile, [path.join(d, 'a'), 'more', 'latin1'], d),
    (f, d) => callback(f.stat, [path.join(d, 'missing')], d),
    (f, d) => callback(f.stat, [path.join(d, 'a')], d, (s) => [s.size, s.isFile(), s instanceof fs.Stats]),
    (f, d) => callback(f.stat, [path.join(d, 'a'), { bigint: true }], d, (s) => [s.size]),
    (f, d) => callback(f.truncate, [path.join(d, 'a'), 2], d),
    (f, d) => callback(f.truncate, [path.join(d, 'missing')], d),
    (f, d) => callback(f.mkdir, [path.join(d, 'x', 'y'), { recursive: true }], d, (p) => [p && path.basename(p)]),
    (f, d) => callback(f.mkdir, [path.join(d, 'a')], d),
    (f, d) => callback(f.mkdir, [path.join(d, 'm')], d),
    (f, d) => callback(f.mkdir, [path.join(d, 'm'), 0o700], d),
    (f, d) => callback(f.mkdir, [path.join(d, 'm'), { recursive: 'x' }], d),
    (f, d) => callback(f.mkdir, [path.join(d, 'm'), 'zz'], d),
    (f, d) => callback(f.mkdir, [42], d),
    (f, d) => callback(f.mkdir, [path.join(d, 'x', 'y'), { recursive: true }], d, (...r) => r.map((p) => path.basename(p))),
    (f, d) => callback(f.mkdir, [d, { recursive: true }], d),
    (f, d) => callback(f.rmdir, [path.join(d, 'a')], d),
    (f, d) => callback(f.rmdir, [7], d),
    (f, d) => callback(f.unlink, [path.join(d, 'missing')], d),
    (f, d) => callback(f.unlink, [{}], d),
    (f, d) => callback(f.rename, [path.join(d, 'a'), path.join(d, 'b')], d),
    (f, d) => callback(f.rename, [path.join(d, 'missing'), path.join(d, 'b')], d),
    (f, d) => callback(f.rename, [path.join(d, 'a'), null], d),
    (f, d) => callback(f.rmdir, [path.join(d, 'missing')], d),
    (f, d) => callback(f.unlink, [path.join(d, 'a')], d),
    (f, d) => callback(f.readdir, [d], d),
    (f, d) => callback(f.close, [2 ** 31], d),
  ];
  for (const c of cases) await same(async (f, d) => [await c(f, d), fs.readdirSync(d).sort().map((n) => [n, fs.statSync(path.join(d, n)).size])], { a: 'abc' });
});

test('an fd from open(): write, fstat, read forms, ftruncate, fsync, fdatasync, close', async () => {
  await same(async (f, d) => {
    const log = [];
    const p = path.join(d, 'f');
    const { results: [fd] } = await callback(f.open, [p, 'w+'], d);
    log.push(typeof fd);
    const buffer = (...r) => [r[0], Buffer.isBuffer(r[1]) ? r[1].toString('latin1') : r[1]];
    log.push(await callback(f.write, [fd, Buffer.from('hello world')], d, buffer));
    log.push(await callback(f.write, [fd, Buffer.from('0123456789'), 2, 3, 0], d, buffer));
    log.push(await callback(f.write, [fd, 'tail', null, 'latin1'], d, buffer));
    log.push(await callback(f.write, [fd, 'at 1', 1], d, buffer));
    log.push(await callback(f.write, [fd, Buffer.from('xy'), { offset: 1, position: 9 }], d, buffer));
    log.push(await callback(f.write, [fd, 5], d));
    log.push(await callback(f.write, [fd, 'abc', 0, 'hex'], d));
    log.push(await callback(f.write, [fd, 'abc', 0, 'no-such-encoding'], d, buffer));
    log.push(await callback(f.write, [fd, Buffer.from('ab'), 3], d));
    log.push(await callback(f.fstat, [fd], d, (s) => [s.size, s.isFile(), s instanceof fs.Stats]));
    log.push(await callback(f.fstat, [fd, { bigint: true }], d, (s) => [s.size]));
    log.push(await callback(f.read, [fd, Buffer.alloc(6), 0, 6, 0], d, buffer));
    log.push(await callback(f.read, [fd, Buffer.alloc(6), { position: 3, length: 4 }], d, buffer));
    log.push(await callback(f.read, [fd, { buffer: Buffer.alloc(4), position: 5 }], d, buffer));
    log.push(await callback(f.read, [fd], d, (n, b) => [n, b.length]));
    log.push(await callback(f.read, [fd, Buffer.alloc(4), 0, 0, 0], d, buffer));
    log.push(await callback(f.read, [fd, Buffer.alloc(4), 0, 9, 0], d));
    log.push(await callback(f.read, [fd, 'x', 0, 1, 0], d));
    log.push(await callback(f.read, [fd, Buffer.alloc(4), -1, 1, 0], d));
    log.push(await callback(f.ftruncate, [fd, 5], d));
    log.push(await callback(f.ftruncate, [fd, 'x'], d));
    log.push(await callback(f.fsync, [fd], d));
    log.push(await callback(f.fdatasync, [fd], d));
    log.push(await callback(f.close, [fd], d));
    log.push(await callback(f.close, [fd], d));
    log.push(fs.readFileSync(p, 'latin1'));
    return log;
  });
});

test('util.promisify of read and write resolves { bytesRead, buffer } / { bytesWritten, buffer }, as node:fs\'s', async () => {
  const { promisify } = require('node:util');
  await same(async (f, d) => {
    const fd = await promisify(f.open)(path.join(d, 'a'), 'r+');
    const w = await promisify(f.write)(fd, Buffer.from('XY'), 0, 2, 1);
    const r = await promisify(f.read)(fd, Buffer.alloc(4), 0, 4, 0);
    const o = await promisify(f.read)(fd, {});
    await promisify(f.close)(fd);
    return [w.bytesWritten, w.buffer.toString(), r.bytesRead, r.buffer.toString(), o.bytesRead, o.buffer.length];
  }, { a: 'abcdef' });
});

test('fds opened elsewhere go to node:fs untouched', async () => {
  const [, d] = twinDirs({ a: 'abcdef' });
  const fd = fs.openSync(path.join(d, 'a'), 'r+');
  const got = await callback(aya.read, [fd, Buffer.alloc(3), 0, 3, 1], d, (n, b) => [n, b.toString()]);
  assert.deepStrictEqual(got, { results: [3, 'bcd'] });
  assert.deepStrictEqual(await callback(aya.fstat, [fd], d, (s) => [s.size]), { results: [6] });
  assert.deepStrictEqual(await callback(aya.close, [fd], d), { results: [] });
  assert.throws(() => fs.fstatSync(fd), { code: 'EBADF' });
});

test('both forms: promise without a callback, node:fs\'s callback form with one', async () => {
  const [, d] = twinDirs({ a: 'abc' });
  assert.strictEqual(await aya.readFile(path.join(d, 'a'), 'utf8'), 'abc');
  assert.strictEqual(await new Promise((r) => aya.readFile(path.join(d, 'a'), 'utf8', (e, t) => r(t))), 'abc');
  const h = await aya.open(path.join(d, 'a'));
  assert.strictEqual(typeof h.read, 'function');
  await h.close();
  assert.strictEqual(aya.promises.readFile, aya.promises.readFile);
  assert.strictEqual(typeof aya.realpath.native, 'function');
  assert.strictEqual(aya.readFileSync, fs.readFileSync);
  assert.strictEqual(aya.existsSync, fs.existsSync);
});

/**
 * A storage layer written against node:fs's callback API, graceful-fs style: for each record
 * a directory, a lock directory, a stat, an atomic write (open/write/fsync/close, rename),
 * an append, and the lock removed. Returns the log of what it saw.
 */
function storageLayer(fsm, dir, done) {
  const log = [];
  let pending = 0;
  const finish = () => --pending === 0 && done(log);
  for (let i = 0; i < 20; i++) {
    pending++;
    const rec = path.join(dir, `rec${i % 5}`);
    fsm.mkdir(rec, { recursive: true }, (err) => {
      if (err) return log.push(`mkdir ${err.code}`), finish();
      const lock = path.join(rec, `lock${i}`);
      fsm.mkdir(lock, (lockErr) => {
        if (lockErr) log.push(`lock ${lockErr.code}`);
        const file = path.join(rec, `item${i}.json`);
        fsm.stat(file, (statErr) => {
          log.push(`stat ${i} ${statErr ? statErr.code : 'ok'}`);
          fsm.open(`${file}.tmp`, 'w', (openErr, fd) => {
            if (openErr) return log.push(`open ${openErr.code}`), finish();
            fsm.write(fd, JSON.stringify({ i }), null, 'utf8', (writeErr) => {
              fsm.fsync(fd, () => fsm.close(fd, () => {
                fsm.rename(`${file}.tmp`, file, () => {
                  // One log per record: Wine's O_APPEND is not atomic across writers (docs/reliability.md).
                  fsm.appendFile(`${file}.log`, `${i}\n`, () => {
                    fsm.readFile(file, 'utf8', (readErr, text) => {
                      log.push(`read ${i} ${readErr ? readErr.code : text} ${writeErr ? writeErr.code : ''}`);
                      fsm.rmdir(lock, finish);
                    });
                  });
                });
              }));
            });
          });
        });
      });
    });
  }
}

test('a storage layer on node:fs callbacks runs unchanged on ayafileio/fs', async () => {
  const [nd, ad] = twinDirs();
  const want = await new Promise((r) => storageLayer(fs, nd, r));
  const got = await new Promise((r) => storageLayer(aya, ad, r));
  assert.deepStrictEqual(got.sort(), want.sort());
  const tree = (d) => fs.readdirSync(d, { recursive: true }).sort().map((n) => [n, fs.statSync(path.join(d, n)).isFile() ? fs.readFileSync(path.join(d, n), 'utf8').split('\n').sort().join() : 'dir']);
  assert.deepStrictEqual(tree(ad), tree(nd));
});

test('numeric flags are int32 as in node:fs: others throw at the call (callback forms) or reject (promise forms) with Node\'s message; readFile ignores mode and flush', async () => {
  const [nd, ad] = twinDirs();
  const outcome = async (fn) => {
    try {
      const r = await fn();
      return { ok: typeof r };
    } catch (err) {
      return { code: err.code, message: err.message.replaceAll(ad, nd) };
    }
  };
  for (const flag of [1.5, 2 ** 32, 2 ** 32 + 1, -(2 ** 31) - 1]) {
    for (const [name, call] of [
      ['open cb', (m, d) => m.open(path.join(d, 'f'), flag, () => {})],
      ['readFile cb', (m, d) => m.readFile(path.join(d, 'f'), { flag }, () => {})],
      ['writeFile cb', (m, d) => m.writeFile(path.join(d, 'f'), 'x', { flag }, () => {})],
      ['open', (m, d) => m.promises.open(path.join(d, 'f'), flag)],
      ['readFile', (m, d) => m.promises.readFile(path.join(d, 'f'), { flag })],
      ['writeFile', (m, d) => m.promises.writeFile(path.join(d, 'f'), 'x', { flag })],
    ]) {
      const theirs = await outcome(() => call(fs, nd));
      const ours = await outcome(() => call(aya, ad));
      assert.deepStrictEqual(ours, theirs, `${name} with flag ${flag}`);
      assert.strictEqual(theirs.code, 'ERR_OUT_OF_RANGE', `${name}: node:fs refuses ${flag}`);
    }
  }
  fs.writeFileSync(path.join(ad, 'r'), 'read me');
  assert.strictEqual(await aya.promises.readFile(path.join(ad, 'r'), { encoding: 'utf8', mode: 'x', flush: 'x' }), 'read me', 'mode and flush are not a read\'s');
});
