'use strict';
// Covers: every backend (native, waiter-thread and fallback passes), Linux with FUSE (bindfs, /dev/fuse, and the right to mount); what: writeFile over a file whose size the kernel holds stale ends with exactly the new bytes, through every entry point and both in-place paths.
// writeFile replaces a file in place on io_uring: opened without O_TRUNC, it is cut only
// where the size the kernel holds is longer than the data. On a FUSE mount that size is a
// copy of what the daemon last said: a file that grew outside the mount (through the
// directory bindfs mirrors) still reads its old size, and a rewrite longer than that old size
// but shorter than the file kept the file's tail. node:fs's truncating open never does.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { promisify } = require('node:util');
const aya = require('../dist/index.js');
const ayafs = require('ayafileio/fs');
const { getBackend } = require('./_lib/internals.js').engine;

/** Why FUSE cannot be mounted here, or false. */
function cannotMount() {
  if (process.platform !== 'linux') return 'FUSE mounts: Linux only here';
  if (spawnSync('bindfs', ['--version']).error !== undefined) return 'bindfs is not installed';
  try {
    fs.accessSync('/dev/fuse', fs.constants.R_OK | fs.constants.W_OK);
  } catch (err) {
    return `/dev/fuse cannot be opened (${err.code})`;
  }
  return false;
}

/**
 * Mirror `src` at `mnt` with bindfs: false, or why it could not be mounted. The attributes and names
 * the kernel caches stay valid for an hour (FUSE's default is 1 s), so the size it holds is
 * stale for the whole test however slow the machine is.
 */
function mountBindfs(src, mnt) {
  const r = spawnSync('bindfs', ['--no-allow-other', '-o', 'attr_timeout=3600,entry_timeout=3600', src, mnt], { encoding: 'utf8' });
  return r.status === 0 ? false : `bindfs could not mount: ${(r.stderr || r.error?.message || '').trim()}`;
}

/** Unmount `mnt`: fusermount (FUSE 2) or fusermount3 (FUSE 3) as any user, umount as root. */
function unmount(mnt) {
  for (const [cmd, ...args] of [['fusermount', '-u'], ['fusermount3', '-u'], ['umount']]) {
    if (spawnSync(cmd, [...args, mnt]).status === 0) return;
  }
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-fuse-size-'));
const src = path.join(root, 'src');
const mnt = path.join(root, 'mnt');
fs.mkdirSync(src);
fs.mkdirSync(mnt);
const skip = cannotMount() || mountBindfs(src, mnt);
test.after(() => {
  if (!skip) unmount(mnt);
  fs.rmSync(root, { recursive: true, force: true });
});

/**
 * A file of `cached` bytes written and stat'ed through the mount, then grown to `grown` bytes
 * through `src`, outside the mount: its name. Asserts that the kernel still holds the old
 * size, which is what the test is about.
 */
let seq = 0;
function staleFile(cached, grown) {
  const name = `f${seq++}`;
  fs.writeFileSync(path.join(mnt, name), Buffer.alloc(cached, 0x61));
  assert.strictEqual(fs.statSync(path.join(mnt, name)).size, cached);
  fs.appendFileSync(path.join(src, name), Buffer.alloc(grown - cached, 0x62));
  assert.strictEqual(fs.statSync(path.join(mnt, name)).size, cached, 'the kernel holds the size it saw through the mount');
  return name;
}

/** Write `data` with `write` over a stale file (`cached`, really `grown` bytes): the bytes the file then holds, read outside the mount. */
async function writeOverStale(write, data, cached, grown) {
  const name = staleFile(cached, grown);
  await write(path.join(mnt, name), data);
  return fs.readFileSync(path.join(src, name));
}

// The whole-file write with one completion (io_uring), or node:fs's truncating open (fallback).
const WRITERS = {
  'node:fs (reference)': fs.promises.writeFile,
  'ayafileio writeFile': aya.writeFile,
  'ayafileio/fs promises.writeFile': ayafs.promises.writeFile,
  'ayafileio/fs writeFile (callback)': promisify(ayafs.writeFile),
};

test('writeFile over a file grown outside a FUSE mount: exactly the new bytes, through every entry point', { skip }, async () => {
  // Longer than the size the kernel holds (100) and shorter than the file (300), as long as
  // that size, and shorter than it (the cut was made before the fix too).
  for (const length of [150, 100, 50]) {
    for (const [name, write] of Object.entries(WRITERS)) {
      const bytes = Buffer.alloc(length, 0x4e);
      assert.deepStrictEqual(await writeOverStale(write, bytes, 100, 300), bytes, `${name}, a Buffer of ${length} bytes`);
      const text = 'N'.repeat(length);
      assert.strictEqual((await writeOverStale(write, text, 100, 300)).toString('latin1'), text, `${name}, a string of ${length} characters`);
    }
  }
});

test('writeFile over a file grown outside a FUSE mount, written step by step (a Buffer over 64 KiB, flush): exactly the new bytes', { skip }, async () => {
  // A caller's Buffer over 64 KiB is not copied for the one-completion write: JavaScript opens
  // the file and replaces it in place itself (replaceInPlace, with the write and close linked);
  // `flush` takes that path too, writing and syncing before the close.
  const big = Buffer.alloc(100 * 1024 + 1, 0x4e);
  const cases = [
    ['a Buffer over 64 KiB', (p, data) => aya.writeFile(p, data), big, 300 * 1024],
    ['flush: true', (p, data) => ayafs.promises.writeFile(p, data, { flush: true }), Buffer.alloc(150, 0x4e), 300],
  ];
  for (const [label, write, data, grown] of cases) {
    assert.deepStrictEqual(await writeOverStale(fs.promises.writeFile, data, 100, grown), data, `node:fs, ${label}`);
    assert.deepStrictEqual(await writeOverStale(write, data, 100, grown), data, label);
  }
});

test('kernelOwnsSize: false on a FUSE mount, whose sizes are the daemon\'s', { skip: skip || (getBackend().kernelOwnsSize === undefined && `the ${getBackend().kind} backend has no kernelOwnsSize (io_uring only)`) }, () => {
  const fd = fs.openSync(path.join(mnt, staleFile(1, 2)), 'r');
  try {
    assert.strictEqual(getBackend().kernelOwnsSize(fd), false);
  } finally {
    fs.closeSync(fd);
  }
});
