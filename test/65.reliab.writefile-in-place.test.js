'use strict';
// Covers: every backend (native, waiter-thread and fallback passes), Linux (FIFOs, O_RDONLY|O_TRUNC as Linux treats it); what: writeFile's end states and errors against node:fs's writeFile run the same way.
// writeFile replaces a regular file in place on io_uring (opened without O_TRUNC, cut to the
// new length); the file and the error must still end as node:fs's leave them. Each case runs
// node:fs's writeFile and ayafileio's (both APIs) on twin files and compares.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const cp = require('node:child_process');
const aya = require('../dist/index.js');
const ayafs = require('ayafileio/fs');

const linux = process.platform === 'linux';
const C = fs.constants;
const WRITERS = { node: fs.promises.writeFile, aya: aya.writeFile, ayafs: ayafs.promises.writeFile };

function tmpDir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-wf-in-place-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The error as a comparable shape (code, syscall, whether it names a path). */
function shape(err) {
  return err === null ? null : { code: err.code, syscall: err.syscall, hasPath: err.path !== undefined };
}

test('numeric flag O_RDONLY|O_TRUNC: the file is truncated and the write fails EBADF, as node:fs', { skip: !linux && 'O_RDONLY|O_TRUNC truncates on Linux only (unspecified by POSIX)' }, async (t) => {
  const dir = tmpDir(t);
  const ends = {};
  for (const [name, writeFile] of Object.entries(WRITERS)) {
    const p = path.join(dir, name);
    fs.writeFileSync(p, 'old contents, longer than the new ones');
    let err = null;
    try {
      await writeFile(p, 'new', { flag: C.O_RDONLY | C.O_TRUNC });
    } catch (e) {
      err = e;
    }
    ends[name] = { err: shape(err), bytes: fs.readFileSync(p, 'latin1') };
  }
  assert.deepStrictEqual(ends.node, { err: { code: 'EBADF', syscall: 'write', hasPath: false }, bytes: '' });
  assert.deepStrictEqual(ends.aya, ends.node);
  assert.deepStrictEqual(ends.ayafs, ends.node);
});

test('FIFO whose reader closes after one byte: writeFile rejects EPIPE, as node:fs', { skip: !linux && 'mkfifo: Linux only here' }, async (t) => {
  const dir = tmpDir(t);
  const codes = {};
  for (const [name, writeFile] of Object.entries(WRITERS)) {
    const p = path.join(dir, name);
    cp.execFileSync('mkfifo', [p]);
    // The reader takes one byte and exits, closing its end while the 4 MiB write is under way.
    const reader = cp.spawn(process.execPath, ['-e', `const fs=require('fs');fs.readSync(fs.openSync(${JSON.stringify(p)},'r'),Buffer.alloc(1))`], { stdio: 'ignore' });
    const exited = new Promise((resolve) => reader.on('exit', resolve));
    let err = null;
    try {
      await writeFile(p, Buffer.alloc(4 << 20, 1));
    } catch (e) {
      err = e;
    }
    await exited;
    codes[name] = shape(err);
  }
  assert.deepStrictEqual(codes.node, { code: 'EPIPE', syscall: 'write', hasPath: false });
  assert.deepStrictEqual(codes.aya, codes.node);
  assert.deepStrictEqual(codes.ayafs, codes.node);
});

test('FIFO with a reader that reads to the end: writeFile of 1 MiB (more than a pipe holds) resolves and the reader gets every byte', { skip: !linux && 'mkfifo: Linux only here' }, async (t) => {
  const dir = tmpDir(t);
  const ends = {};
  for (const [name, writeFile] of Object.entries(WRITERS)) {
    const p = path.join(dir, name);
    cp.execFileSync('mkfifo', [p]);
    const reader = cp.spawn(process.execPath, ['-e', `process.stdout.write(String(require('fs').readFileSync(${JSON.stringify(p)}).length))`], { stdio: ['ignore', 'pipe', 'ignore'] });
    let got = '';
    reader.stdout.on('data', (d) => (got += d));
    const exited = new Promise((resolve) => reader.on('exit', resolve));
    let err = null;
    try {
      await writeFile(p, Buffer.alloc(1 << 20, 0x41));
    } catch (e) {
      err = e;
    }
    await exited;
    ends[name] = { err: shape(err), read: got };
  }
  assert.deepStrictEqual(ends.node, { err: null, read: String(1 << 20) });
  assert.deepStrictEqual(ends.aya, ends.node);
  assert.deepStrictEqual(ends.ayafs, ends.node);
});

test("flag 'wx' and a write cut short (EFBIG under ulimit -f): rejects with the write's error and keeps exactly the bytes written, as node:fs", { skip: !linux && 'ulimit -f via sh: Linux only here' }, (t) => {
  const dir = tmpDir(t);
  // A child under an RLIMIT_FSIZE of 1 or 2 MB (sh's ulimit counts 512- or 1024-byte blocks)
  // writes 3,000,000 bytes with each writer.
  const script = `
    const fs = require('fs'); const path = require('path');
    const writers = { node: fs.promises.writeFile, aya: require(${JSON.stringify(path.resolve(__dirname, '../dist/index.js'))}).writeFile,
      ayafs: require(${JSON.stringify(require.resolve('ayafileio/fs'))}).promises.writeFile };
    (async () => {
      const ends = {};
      for (const [name, writeFile] of Object.entries(writers)) {
        const p = path.join(${JSON.stringify(dir)}, name);
        let err = null;
        try { await writeFile(p, Buffer.alloc(3000000, 0x4e), { flag: 'wx' }); } catch (e) { err = { code: e.code, syscall: e.syscall }; }
        const bytes = fs.readFileSync(p);
        ends[name] = { err, size: bytes.length, allWritten: bytes.every((b) => b === 0x4e) };
      }
      process.stdout.write(JSON.stringify(ends));
    })();`;
  const out = cp.execFileSync('sh', ['-c', 'ulimit -f 2000 && exec "$0" -e "$1"', process.execPath, script], { encoding: 'utf8' });
  const ends = JSON.parse(out);
  assert.deepStrictEqual(ends.node.err, { code: 'EFBIG', syscall: 'write' });
  assert.ok(ends.node.size < 3000000 && ends.node.allWritten, JSON.stringify(ends.node));
  assert.deepStrictEqual(ends.aya, ends.node);
  assert.deepStrictEqual(ends.ayafs, ends.node);
});

test('configure() to a ring of one entry while writeFiles are in flight: every one resolves with its bytes, as node:fs would', async (t) => {
  const dir = tmpDir(t);
  t.after(() => aya.resetConfig());
  const N = 300;
  const failures = [];
  for (let round = 0; round < 5; round++) {
    // Depth 3 has no room for a whole-file chain: writeFile links its close behind the write.
    aya.configure({ ioUringQueueDepth: 3 });
    for (let i = 0; i < N; i++) fs.writeFileSync(path.join(dir, `f${i}`), 'OLD');
    const data = Buffer.alloc(100, round + 1);
    const pending = [];
    for (let i = 0; i < N; i++) pending.push(aya.writeFile(path.join(dir, `f${i}`), data));
    // Let the engine take the first ones in (setImmediate: after the poll phase), then replace the ring.
    await new Promise((resolve) => setImmediate(resolve));
    aya.configure({ ioUringQueueDepth: 1 });
    const results = await Promise.allSettled(pending);
    results.forEach((r, i) => {
      if (r.status === 'rejected') failures.push(`${round}/${i}: ${r.reason.code}`);
      else if (!fs.readFileSync(path.join(dir, `f${i}`)).equals(data)) failures.push(`${round}/${i}: wrong bytes`);
    });
  }
  assert.deepStrictEqual(failures.slice(0, 5), []);
});

// A sealed memfd (memfd_create(2), F_ADD_SEALS), held open by a Python child and written
// through its /proc/<pid>/fd path. node:fs's truncating open is refused by F_SEAL_SHRINK
// (EPERM, the bytes untouched) and, under F_SEAL_GROW, truncates before its write fails
// EPERM. Replaced in place (io_uring), the file is never truncated below the data's length:
// both seals allow that, and the bytes are replaced (docs/api.md, writeFile).
const MEMFD_PY = `
import os, fcntl, sys
fd = os.memfd_create("aya", os.MFD_ALLOW_SEALING)
os.write(fd, b"O" * 100)
fcntl.fcntl(fd, 1033, int(sys.argv[1]))  # F_ADD_SEALS
print(f"/proc/{os.getpid()}/fd/{fd}", flush=True)
sys.stdin.read()
print(os.pread(fd, 1000, 0).decode(), flush=True)
`;

async function writeSealedMemfd(writeFile, seal, data) {
  const py = cp.spawn('python3', ['-c', MEMFD_PY, String(seal)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  let onLine;
  const firstLine = new Promise((resolve) => (onLine = resolve));
  py.stdout.on('data', (d) => {
    out += d;
    if (out.includes('\n')) onLine();
  });
  const exited = new Promise((resolve) => py.on('exit', resolve));
  await firstLine;
  const p = out.trim();
  out = '';
  let err = null;
  try {
    await writeFile(p, data);
  } catch (e) {
    err = e;
  }
  py.stdin.end();
  await exited;
  return { err: shape(err), contents: out.trim() };
}

test('sealed memfd (F_SEAL_SHRINK, F_SEAL_GROW): node:fs\'s truncating open fails EPERM; replaced in place (io_uring) the bytes are replaced, as documented', { skip: !linux && 'memfd_create: Linux only' }, async () => {
  const inPlace = aya.getBackendInfo().backend === 'io_uring';
  const cases = [
    { seal: 2, data: 'N'.repeat(100) }, // F_SEAL_SHRINK, as many bytes as it holds
    { seal: 4, data: 'N'.repeat(10) }, // F_SEAL_GROW, fewer bytes
  ];
  for (const { seal, data } of cases) {
    const ends = {};
    for (const [name, writeFile] of Object.entries(WRITERS)) ends[name] = await writeSealedMemfd(writeFile, seal, data);
    assert.strictEqual(ends.node.err.code, 'EPERM', `seal ${seal}`);
    const want = inPlace ? { err: null, contents: data } : ends.node;
    assert.deepStrictEqual(ends.aya, want, `seal ${seal}`);
    assert.deepStrictEqual(ends.ayafs, want, `seal ${seal}`);
  }
});

test('concurrent writeFiles of different lengths to one path: the file ends holding only bytes some call wrote (never a zero-filled hole)', async (t) => {
  const dir = tmpDir(t);
  const p = path.join(dir, 'shared');
  const long = Buffer.alloc(200000, 0x41);
  const short = Buffer.alloc(10, 0x42);
  // node:fs's writes land at offset 0 after each truncating open: the end state is one call's
  // bytes, or a short one's over a long one's; no byte is ever 0. A long call's cut to its
  // length after a short call's cut would leave the short bytes followed by a hole of zeros.
  let holes = 0;
  for (let round = 0; round < 500; round++) {
    fs.writeFileSync(p, Buffer.alloc(50, 0x4f));
    await Promise.all([aya.writeFile(p, long), ayafs.promises.writeFile(p, short), aya.writeFile(p, long), ayafs.promises.writeFile(p, short)]);
    if (fs.readFileSync(p).includes(0)) holes++;
  }
  assert.strictEqual(holes, 0);
});

test('an empty path, and a path longer than PATH_MAX: writeFile rejects ENOENT / ENAMETOOLONG (open) as node:fs, and settles', { skip: !linux && 'PATH_MAX 4096: Linux' }, (t) => {
  const dir = tmpDir(t);
  // In a child, whose hang the spawn's timeout ends (a call that never settles keeps its
  // process alive): each writer's error, one line each. Both paths fail in the kernel while
  // the open is prepared, before it runs.
  const script = `
    const long = ${JSON.stringify(dir)} + '/' + 'a/'.repeat(2100) + 'x';
    const writers = [require('fs').promises.writeFile, require(${JSON.stringify(path.resolve(__dirname, '../dist/index.js'))}).writeFile,
      require(${JSON.stringify(require.resolve('ayafileio/fs'))}).promises.writeFile];
    (async () => {
      for (const p of ['', long]) for (const writeFile of writers) {
        try { await writeFile(p, 'x'); console.log('resolved'); } catch (e) { console.log(e.code + ' ' + e.syscall); }
      }
    })();`;
  const r = cp.spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 15_000 });
  assert.deepStrictEqual(r.stdout.trim().split('\n'), ['ENOENT open', 'ENOENT open', 'ENOENT open', 'ENAMETOOLONG open', 'ENAMETOOLONG open', 'ENAMETOOLONG open']);
  assert.strictEqual(r.status, 0);
});
