'use strict';
// Covers: every backend (native and fallback passes), every platform (/proc case Linux, FIFO case POSIX); what: ayafileio/fs's promise API against node:fs/promises, results and error fields.
// ayafileio/fs against node:fs/promises (issue 16): each call is made on both, in fresh
// directories holding the same files, and the results and the error fields (name, code,
// errno, syscall, path, dest, message) must be equal. Runs on both backends.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const nodeFsp = require('node:fs/promises');
const aya = require('ayafileio/fs');

const twins = require('./_lib/fs-twins.js');

const { twinDirs } = twins;
/** Run `call(fsModule, dir)` on both modules and compare (test/_lib/fs-twins.js). */
const same = (call, options) => twins.same(aya, call, options);

test('the module has every name node:fs/promises has, and its constants', () => {
  for (const name of Object.keys(nodeFsp)) assert.ok(name in aya, name);
  assert.strictEqual(aya.constants, nodeFsp.constants);
  assert.strictEqual(typeof aya.promises.open, 'function');
  for (const name of Object.keys(nodeFsp)) assert.ok(name in aya.promises, `promises.${name}`);
  // And nothing else: a name only a later Node has (glob on Node 20) is there, undefined.
  for (const name of Object.keys(aya.promises)) assert.ok(name in nodeFsp || aya.promises[name] === undefined, `promises.${name} is not node:fs/promises'`);
});

test('readFile: encodings, flags, URL and Buffer paths, errors', async () => {
  const files = { a: 'héllo\nwörld\n', e: '' };
  const cases = [
    (f, d) => f.readFile(path.join(d, 'a')),
    (f, d) => f.readFile(path.join(d, 'a'), 'utf8'),
    (f, d) => f.readFile(path.join(d, 'a'), { encoding: 'base64' }),
    (f, d) => f.readFile(pathToFileURL(path.join(d, 'a'))),
    (f, d) => f.readFile(Buffer.from(path.join(d, 'a')), 'latin1'),
    (f, d) => f.readFile(path.join(d, 'e'), 'utf8'),
    (f, d) => f.readFile(path.join(d, 'a'), { flag: 'a+', encoding: 'utf8' }),
    (f, d) => f.readFile(path.join(d, 'missing')),
    (f, d) => f.readFile(d),
    (f, d) => f.readFile(path.join(d, 'nx'), { flag: 'wx+' }).then(() => f.readFile(path.join(d, 'nx'), { flag: 'wx+' })),
    (f, d) => f.readFile(path.join(d, 'a'), 'bogus'),
    (f, d) => f.readFile(path.join(d, 'a'), { flag: 'bogus' }),
    (f, d) => f.readFile(path.join(d, 'a'), 5),
    (f) => f.readFile(42),
    (f) => f.readFile('a\0b'),
    (f) => f.readFile(new URL('http://example.com/')),
    (f, d) => f.readFile(path.join(d, 'a'), { signal: 1 }),
    (f, d) => f.readFile(path.join(d, 'a'), { signal: AbortSignal.abort() }),
  ];
  for (const call of cases) await same(call, { files });
});

/** An AbortSignal aborted on the next tick: node:fs's calls have not settled by then. */
function abortSoon() {
  const c = new AbortController();
  process.nextTick(() => c.abort());
  return c.signal;
}

test('an abort on the next tick stops readFile and writeFile, as in Node', async () => {
  await same((f, d) => f.readFile(path.join(d, 'a'), { signal: abortSoon() }), { files: { a: 'x'.repeat(100000) } });
  // (Whether the file exists by then differs: Node finishes the open first, ayafileio/fs stops
  // waiting for it; so only the rejection is compared.)
  const [, d] = twinDirs();
  await assert.rejects(aya.writeFile(path.join(d, 'w'), 'data', { signal: abortSoon() }), { name: 'AbortError', code: 'ABORT_ERR' });
  await assert.rejects(aya.appendFile(path.join(d, 'w'), ['a', 'b'], { signal: abortSoon() }), { name: 'AbortError', code: 'ABORT_ERR' });
});

test('readFile of /proc files (size 0, with content) as Node reads them', { skip: process.platform !== 'linux' && 'no /proc' }, async () => {
  const a = await aya.readFile('/proc/self/status', 'utf8');
  const n = await nodeFsp.readFile('/proc/self/status', 'utf8');
  assert.ok(a.length > 100 && a.startsWith('Name:'));
  assert.strictEqual(a.split('\n')[0], n.split('\n')[0]);
});

test('readFile of a file past 2 GiB rejects as Node\'s: ERR_FS_FILE_TOO_LARGE, with its message (callback and FileHandle forms too)', async () => {
  const [, d] = twinDirs();
  const big = path.join(d, 'big');
  fs.closeSync(fs.openSync(big, 'w'));
  fs.truncateSync(big, 2 ** 31 + 4096); // sparse: no disk used
  try {
    const want = await nodeFsp.readFile(big).then(() => assert.fail('node:fs read it'), (e) => e);
    await assert.rejects(aya.readFile(big), (err) => err.code === want.code && err.message === want.message && err.name === want.name);
    await assert.rejects(new Promise((resolve, reject) => aya.readFile(big, (err, data) => (err ? reject(err) : resolve(data)))), { code: want.code, message: want.message });
    const h = await aya.open(big, 'r');
    await assert.rejects(h.readFile(), { code: want.code, message: want.message });
    await h.close();
  } finally {
    fs.rmSync(big);
  }
});

test('readFile of a FIFO reads what the writer wrote until it closes, as Node\'s', { skip: process.platform === 'win32' && 'no FIFOs' }, async () => {
  const { execFileSync, spawn } = require('node:child_process');
  const [, d] = twinDirs();
  const fifo = path.join(d, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const viaWriter = async (fsModule) => {
    const writer = spawn(process.execPath, ['-e', `require('fs').writeFileSync(${JSON.stringify(fifo)}, 'through the pipe '.repeat(5000))`]);
    const [data] = await Promise.all([fsModule.readFile(fifo, 'utf8'), new Promise((resolve) => writer.on('exit', resolve))]);
    return data;
  };
  assert.strictEqual(await viaWriter(aya), await viaWriter(nodeFsp));
});

test('writeFile and appendFile: data forms, options, errors', async () => {
  async function* gen() {
    yield 'ab';
    yield Buffer.from('cd');
    yield new Uint16Array([0x6665]);
  }
  const cases = [
    (f, d) => f.writeFile(path.join(d, 'w'), 'héllo'),
    (f, d) => f.writeFile(path.join(d, 'w'), 'héllo', 'latin1'),
    (f, d) => f.writeFile(path.join(d, 'w'), new Uint8Array([1, 2, 3])),
    (f, d) => f.writeFile(path.join(d, 'w'), new DataView(new ArrayBuffer(4))),
    (f, d) => f.writeFile(path.join(d, 'w'), gen()),
    (f, d) => f.writeFile(path.join(d, 'w'), ['x', 'y', Buffer.from('z')]),
    (f, d) => f.writeFile(path.join(d, 'w'), fs.createReadStream(__filename)),
    (f, d) => f.writeFile(path.join(d, 'w'), 'data', { flush: true, mode: 0o600 }),
    (f, d) => f.writeFile(path.join(d, 'x'), 'again', { flag: 'wx' }),
    (f, d) => f.writeFile(path.join(d, 'x'), 'again', { flag: 'r+' }),
    (f, d) => f.writeFile(path.join(d, 'w'), 'data', { flush: 'yes' }),
    (f, d) => f.writeFile(path.join(d, 'w'), 42),
    (f, d) => f.writeFile(path.join(d, 'w'), {}),
    (f, d) => f.writeFile(path.join(d, 'w'), 'x', { mode: 'rw' }),
    (f, d) => f.writeFile(d, 'x'),
    (f, d) => f.writeFile(path.join(d, 'no', 'such'), 'x'),
    (f, d) => f.appendFile(path.join(d, 'x'), 'tail'),
    (f, d) => f.appendFile(path.join(d, 'new'), Buffer.from('first')),
    (f, d) => f.appendFile(path.join(d, 'x'), gen()),
    (f, d) => f.writeFile(path.join(d, 'w'), 'x', { signal: AbortSignal.abort() }),
  ];
  for (const call of cases) await same(call, { files: { x: 'exists' } });
  const [nd, ad] = twinDirs();
  await nodeFsp.writeFile(path.join(nd, 'm'), 'x', { mode: 0o640 });
  await aya.writeFile(path.join(ad, 'm'), 'x', { mode: 0o640 });
  assert.strictEqual(fs.statSync(path.join(ad, 'm')).mode, fs.statSync(path.join(nd, 'm')).mode);
});

test('stat and truncate on the engine give what Node gives', async () => {
  const statFields = (s) => {
    const o = {};
    for (const k of ['dev', 'ino', 'mode', 'nlink', 'uid', 'gid', 'size', 'blocks', 'mtimeMs']) o[k] = s[k];
    o.mtime = s.mtime.getTime();
    o.isFile = s.isFile();
    o.isDirectory = s.isDirectory();
    o.isStats = s instanceof fs.Stats;
    return o;
  };
  const [, ad] = twinDirs({ a: 'abc' });
  const p = path.join(ad, 'a');
  assert.deepStrictEqual(statFields(await aya.stat(p)), statFields(await nodeFsp.stat(p)));
  assert.deepStrictEqual(statFields(await aya.stat(ad)), statFields(await nodeFsp.stat(ad)));
  // Times before 1970 and past 2106 (the statx seconds' high half negative, then above 0):
  // every time field as Node gives it. A statx buffer is reused across calls: ask twice.
  for (const [atime, mtime] of [[-1.25, -123456789.987], [5e9 + 0.5, 4294967296.001], [1, 2]]) {
    fs.utimesSync(p, atime, mtime);
    const times = (s) => ({ a: s.atimeMs, m: s.mtimeMs, c: s.ctimeMs, b: s.birthtimeMs, at: s.atime.getTime(), mt: s.mtime.getTime() });
    for (let i = 0; i < 2; i++) assert.deepStrictEqual(times(await aya.stat(p)), times(await nodeFsp.stat(p)), `utimes ${atime} ${mtime}`);
  }
  const big = await aya.stat(p, { bigint: true });
  assert.strictEqual(big.size, 3n);
  await same((f, d) => f.stat(path.join(d, 'missing')));
  await same((f) => f.stat(17));
  await same((f, d) => f.truncate(path.join(d, 'a'), 1), { files: { a: 'abc' } });
  await same((f, d) => f.truncate(path.join(d, 'a')), { files: { a: 'abc' } });
  await same((f, d) => f.truncate(path.join(d, 'a'), 6), { files: { a: 'abc' } });
  await same((f, d) => f.truncate(path.join(d, 'missing'), 1));
  await same((f, d) => f.truncate(d, 1));
  await same((f, d) => f.truncate(path.join(d, 'a'), 'x'), { files: { a: 'abc' } });
});

test('stat options as Node reads them: only bigint: true gives BigInt stats, null options throw or reject TypeError', async () => {
  const [, d] = twinDirs({ a: 'abc' });
  const p = path.join(d, 'a');
  /** What each stat form gives for `options`: the type of size, or the error class (and whether it threw). */
  const outcome = async (f, options) => {
    const kind = (st) => typeof st.size;
    const failed = (how) => (err) => `${how} ${err.name}`;
    const viaCallback = (call) => new Promise((resolve) => {
      try {
        call((err, st) => resolve(err ? `error ${err.code}` : kind(st)));
      } catch (err) {
        resolve(failed('threw')(err));
      }
    });
    const fd = await new Promise((resolve, reject) => f.open(p, 'r', (err, n) => (err ? reject(err) : resolve(n))));
    const h = await f.promises.open(p, 'r');
    try {
      return [
        await f.promises.stat(p, options).then(kind, failed('rejected')),
        await h.stat(options).then(kind, failed('rejected')),
        await viaCallback((cb) => f.stat(p, options, cb)),
        await viaCallback((cb) => f.fstat(fd, options, cb)),
      ];
    } finally {
      await h.close();
      await new Promise((resolve) => f.close(fd, resolve));
    }
  };
  for (const options of [undefined, null, {}, { bigint: 'x' }, { bigint: 1 }, { bigint: true }, 'utf8']) {
    assert.deepStrictEqual(await outcome(aya, options), await outcome(fs, options), JSON.stringify(options));
  }
});

test('mkdir, rmdir, unlink, rename on the engine give what Node gives', async () => {
  const files = { a: 'abc', 'd.keep': 'x' };
  const cases = [
    (f, d) => f.mkdir(path.join(d, 'n')),
    (f, d) => f.mkdir(path.join(d, 'n'), 0o700).then(() => fs.statSync(path.join(d, 'n')).mode & 0o777),
    (f, d) => f.mkdir(path.join(d, 'n'), { mode: '750' }).then(() => fs.statSync(path.join(d, 'n')).mode & 0o777),
    (f, d) => f.mkdir(path.join(d, 'a')),
    (f, d) => f.mkdir(path.join(d, 'x', 'y')),
    (f, d) => f.mkdir(path.join(d, 'a', 'y')),
    (f, d) => f.mkdir(path.join(d, 'p', 'q', 'r'), { recursive: true }).then((r) => r && path.basename(r)),
    (f, d) => f.mkdir(path.join(d, 'p'), { recursive: true }).then(() => f.mkdir(path.join(d, 'p', 'q'), { recursive: true })).then((r) => r && path.basename(r)),
    (f, d) => f.mkdir(d, { recursive: true }),
    (f, d) => f.mkdir(path.join(d, 'a'), { recursive: true }),
    (f, d) => f.mkdir(path.join(d, 'a', 'b', 'c'), { recursive: true }),
    (f, d) => f.mkdir(Buffer.from(path.join(d, 'buf', 'x')), { recursive: true }).then((r) => [typeof r, path.basename(r)]),
    (f, d) => f.mkdir(pathToFileURL(path.join(d, 'url')), { recursive: true }).then((r) => path.basename(r)),
    (f, d) => f.mkdir(path.join(d, 'n'), { recursive: 'yes' }),
    (f, d) => f.mkdir(path.join(d, 'n'), 'rw'),
    (f) => f.mkdir(7),
    (f, d) => f.mkdir(path.join(d, 'e')).then(() => f.rmdir(path.join(d, 'e'))),
    (f, d) => f.rmdir(path.join(d, 'missing')),
    (f, d) => f.rmdir(path.join(d, 'a')),
    (f, d) => f.mkdir(path.join(d, 'full')).then(() => fs.writeFileSync(path.join(d, 'full', 'f'), '')).then(() => f.rmdir(path.join(d, 'full'))),
    (f, d) => f.unlink(path.join(d, 'a')),
    (f, d) => f.unlink(path.join(d, 'missing')),
    (f, d) => f.mkdir(path.join(d, 'e')).then(() => f.unlink(path.join(d, 'e'))),
    (f, d) => f.rename(path.join(d, 'a'), path.join(d, 'b')),
    (f, d) => f.rename(path.join(d, 'a'), path.join(d, 'd.keep')),
    (f, d) => f.rename(path.join(d, 'missing'), path.join(d, 'b')),
    (f, d) => f.rename(path.join(d, 'a'), path.join(d, 'no', 'b')),
    (f, d) => f.rename(Buffer.from(path.join(d, 'a')), pathToFileURL(path.join(d, 'u'))),
    (f, d) => f.rename(path.join(d, 'a'), 5),
  ];
  for (const call of cases) await same(call, { files });
  // A relative path: the first directory created, as given (POSIX).
  const [nd, ad] = twinDirs();
  const cwd = process.cwd();
  const rel = async (f, d) => {
    process.chdir(d);
    try {
      // (Windows reports it absolute and namespaced, \\?\C:\…, as Node does: the directory is scrubbed.)
      return (await f.mkdir(path.join('.', 'r1', '..', 'r1', 'r2'), { recursive: true })).split(d).join('<dir>');
    } finally {
      process.chdir(cwd);
    }
  };
  assert.deepStrictEqual(await rel(aya, ad), await rel(nodeFsp, nd));
});

test('path calls are Node\'s own and behave as Node\'s', async () => {
  const cases = [
    (f, d) => f.mkdir(path.join(d, 'x', 'y'), { recursive: true }).then((r) => r && path.basename(r)),
    (f, d) => f.mkdir(path.join(d, 'a')),
    (f, d) => f.rename(path.join(d, 'a'), path.join(d, 'b')),
    (f, d) => f.rename(path.join(d, 'missing'), path.join(d, 'b')),
    (f, d) => f.unlink(path.join(d, 'missing')),
    (f, d) => f.readdir(d),
    (f, d) => f.readdir(d, { withFileTypes: true }).then((l) => l.map((e) => [e.name, e.isFile()])),
    (f, d) => f.copyFile(path.join(d, 'a'), path.join(d, 'c')),
    (f, d) => f.copyFile(path.join(d, 'a'), path.join(d, 'a2'), f.constants.COPYFILE_EXCL).then(() => f.copyFile(path.join(d, 'a'), path.join(d, 'a2'), f.constants.COPYFILE_EXCL)),
    (f, d) => f.rm(path.join(d, 'missing')),
    (f, d) => f.rm(path.join(d, 'missing'), { force: true }),
    (f, d) => f.rmdir(path.join(d, 'a')),
    (f, d) => f.access(path.join(d, 'a'), f.constants.R_OK),
    (f, d) => f.access(path.join(d, 'missing')),
    (f, d) => f.lstat(path.join(d, 'a')).then((s) => s.size),
  ];
  for (const call of cases) await same(call, { files: { a: 'abc' } });
});

test('open: every flag string Node accepts and numeric flags, mode on create', async () => {
  const flags = ['r', 'rs', 'sr', 'r+', 'rs+', 'sr+', 'w', 'wx', 'xw', 'w+', 'wx+', 'xw+', 'a', 'ax', 'xa', 'as', 'sa', 'a+', 'ax+', 'xa+', 'as+', 'sa+',
    fs.constants.O_RDWR, fs.constants.O_WRONLY | fs.constants.O_CREAT, 'q', null, undefined];
  for (const flag of flags) {
    for (const name of ['a', 'new']) {
      await same(async (f, d) => {
        const h = await f.open(path.join(d, name), flag, 0o640);
        const r = await h.write('xy').then((w) => w.bytesWritten, (e) => e.code);
        const st = await h.stat();
        await h.close();
        return [r, st.size, st.mode];
      }, { files: { a: 'abc' } });
    }
  }
  await same((f, d) => f.open(path.join(d, 'a'), 'r', 'zz'), { files: { a: 'abc' } });
});

test('import and require give one module: the default export is the CommonJS module object', async () => {
  const esm = await import('ayafileio/fs');
  assert.strictEqual(esm.default, aya);
  for (const name of Object.keys(aya)) assert.strictEqual(esm[name], aya[name], name);
  const esmPromises = esm.default.promises;
  for (const name of Object.keys(nodeFsp)) assert.strictEqual(typeof esmPromises[name], typeof nodeFsp[name], name);
});

test('recursive mkdir over what is in the way reports Node\'s error: a symlink loop, a dangling symlink (also as a parent), a file with a trailing slash', {
  skip: process.platform === 'win32' && 'POSIX symlinks',
}, async () => {
  const { outcome } = twins;
  for (const [name, files] of [['loop', {}], ['dangling', {}], ['file/', { file: 'x' }], ['file/sub', { file: 'x' }], ['loop/sub', {}], ['dangling/sub', {}]]) {
    const [nd, ad] = twinDirs(files);
    for (const d of [nd, ad]) {
      fs.symlinkSync('loop', path.join(d, 'loop'));
      fs.symlinkSync('nowhere', path.join(d, 'dangling'));
    }
    const want = await outcome(() => nodeFsp.mkdir(path.join(nd, name), { recursive: true }), nd);
    const got = await outcome(() => aya.mkdir(path.join(ad, name), { recursive: true }), ad);
    assert.ok(want.error, `node:fs refuses ${name}`);
    assert.deepStrictEqual(got, want, name);
  }
});

test('recursive mkdir of what is there already gives Node\'s answer: a directory (through a symlink, with a trailing slash or dot segments), a file, a symlink to a file, dot segments after a file or a dangling symlink', {
  skip: process.platform === 'win32' && 'POSIX symlinks',
}, async () => {
  // On Linux a directory that is there is answered by one stat (src/fs/mkdir.ts): these are
  // the names where a stat and Node's mkdir-then-stat could disagree.
  const { outcome } = twins;
  const names = ['dir', 'dir/', 'dir/.', 'dir/..', 'dir/sub/..', 'dirlink', 'dirlink/', 'dirlink/..', 'file', 'filelink', 'file/.', 'file/..', 'dangling/..', '.'];
  for (const name of names) {
    const [nd, ad] = twinDirs({ file: 'x' });
    for (const d of [nd, ad]) {
      fs.mkdirSync(path.join(d, 'dir'));
      fs.symlinkSync('dir', path.join(d, 'dirlink'));
      fs.symlinkSync('file', path.join(d, 'filelink'));
      fs.symlinkSync('nowhere', path.join(d, 'dangling'));
    }
    // Joined by hand: path.join would take the dot segments out.
    const mk = (f, d) => f.mkdir(`${d}/${name}`, { recursive: true }).then((r) => r && path.relative(d, r));
    const want = await outcome(() => mk(nodeFsp, nd), nd);
    const got = await outcome(() => mk(aya, ad), ad);
    assert.deepStrictEqual(got, want, name);
    assert.deepStrictEqual(fs.readdirSync(ad).sort(), fs.readdirSync(nd).sort(), name);
  }
  // A Buffer and a file: URL naming a directory that is there: undefined, as Node's.
  const [, ad] = twinDirs();
  assert.strictEqual(await aya.mkdir(Buffer.from(ad), { recursive: true }), undefined);
  assert.strictEqual(await aya.mkdir(pathToFileURL(ad), { recursive: true }), undefined);
});

test('recursive mkdir of a Buffer path keeps bytes that are not UTF-8', { skip: process.platform !== 'linux' && 'byte names are Linux' }, async () => {
  const [, d] = twinDirs();
  const name = Buffer.concat([Buffer.from(path.join(d, 'a') + path.sep), Buffer.from([0xff, 0x41])]);
  await aya.mkdir(name, { recursive: true });
  assert.deepStrictEqual(fs.readdirSync(path.join(d, 'a'), { encoding: 'buffer' }), [Buffer.from([0xff, 0x41])]);
});
