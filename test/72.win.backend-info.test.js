'use strict';
// Covers: IOCP and the node:fs fallback (native and fallback passes), Windows; what: getBackendInfo() names the backend truly used; wrapFd() of a node:fs fd.
// On Windows the native pass must really run on the IOCP addon (not quietly on the fallback),
// and getBackendInfo() must say so; wrapFd() of a node:fs fd goes to node:fs, since IOCP fds
// index the addon's own handle table.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const skip = process.platform === 'win32' ? false : 'Windows only';
const forcedFallback = process.env.AYAFILEIO_BACKEND === 'fallback';

test('getBackendInfo() reports IOCP in the native pass, the fallback when forced', { skip }, () => {
  const { getBackendInfo } = require('../dist/index.js');
  const info = getBackendInfo();
  assert.strictEqual(info.platform, 'windows');
  if (forcedFallback) {
    assert.strictEqual(info.backend, 'fallback');
    assert.strictEqual(info.isTrulyAsync, false);
    return;
  }
  assert.strictEqual(info.backend, 'iocp', info.reason);
  assert.strictEqual(info.isTrulyAsync, true);
  assert.strictEqual(info.reason, undefined);
  for (const op of ['open', 'read', 'write', 'fsync', 'ftruncate', 'statx', 'close', 'cancelFd']) {
    assert.ok(info.ring.ops.includes(op), op);
  }
  assert.ok(info.ring.features.includes('skip_completion_port_on_success'));
});

test('wrapFd() of a node:fs fd works next to IOCP fds', { skip }, async () => {
  const { open, wrapFd } = require('../dist/index.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-winfd-'));
  const p = path.join(dir, 'f');
  fs.writeFileSync(p, 'node fd\n');
  const own = await open(path.join(dir, 'g'), 'w+b'); // an IOCP fd that may share the number
  const fd = fs.openSync(p, 'r+');
  const wrapped = await wrapFd(fd, 'r+b', { ownsFd: false });
  assert.strictEqual((await wrapped.read()).toString(), 'node fd\n');
  await wrapped.write(Buffer.from('more\n'));
  await wrapped.close();
  await own.write(Buffer.from('own'));
  await own.close();
  assert.strictEqual(fs.readFileSync(p, 'latin1'), 'node fd\nmore\n');
  assert.strictEqual(fs.readFileSync(path.join(dir, 'g'), 'latin1'), 'own');
  fs.closeSync(fd);
  fs.rmSync(dir, { recursive: true, force: true });
});
