'use strict';
// Covers: io_uring, plain and SQPOLL rings (native pass only), Linux as root; what: ops after setuid() run with the new uid (CVE-2024-22017).
// CVE-2024-22017: after process.setuid(65534), ops must run as uid 65534 — opening a 0600
// root-owned file fails EACCES — on a plain ring and on an SQPOLL ring (whose kernel thread
// keeps its creator's credentials, so the engine must replace it). Runs as root only.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const internals = require('./_lib/internals.js');

const root = path.join(__dirname, '..');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** The child: ring created as root (and used), then setuid, then the two opens. */
const child = (sqpoll) => `
const fs = require('node:fs');
const { configure, getBackendInfo } = require('./dist/index.js');
configure({ ioUringSqpoll: ${sqpoll} });
const { getBackend } = require(${JSON.stringify(internals.paths.engine)});
(async () => {
  const b = getBackend();
  const [secret, open] = process.argv.slice(1);
  const asRoot = await b.open(secret, fs.constants.O_RDONLY, 0);
  await b.close(asRoot);
  process.setuid(65534);
  const denied = await b.open(secret, fs.constants.O_RDONLY, 0);
  const allowed = await b.open(open, fs.constants.O_RDONLY, 0);
  const info = getBackendInfo();
  process.stdout.write(JSON.stringify({ asRoot, denied, allowed, backend: info.backend, flags: info.ring && info.ring.flags }));
})();`;

for (const sqpoll of [false, true]) {
  test(`setuid(65534) then open of a 0600 root file: EACCES (${sqpoll ? 'SQPOLL' : 'plain'} ring)`, {
    skip: process.platform !== 'linux' ? 'process.setuid is POSIX; io_uring is Linux' : !isRoot ? 'needs root' : false,
  }, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-setuid-'));
    try {
      fs.chmodSync(dir, 0o755); // only the files' own modes decide
      const secret = path.join(dir, 'secret');
      const open = path.join(dir, 'open');
      fs.writeFileSync(secret, 'root only', { mode: 0o600 });
      fs.writeFileSync(open, 'anyone', { mode: 0o644 });
      const r = spawnSync(process.execPath, ['-e', child(sqpoll), secret, open], { cwd: root, encoding: 'utf8' });
      assert.strictEqual(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.ok(out.asRoot >= 0, `root could not open: ${out.asRoot}`);
      assert.strictEqual(out.denied, -os.constants.errno.EACCES);
      assert.ok(out.allowed >= 0, `uid 65534 could not open a 0644 file: ${out.allowed}`);
      if (out.backend === 'io_uring') assert.strictEqual(out.flags.includes('SQPOLL'), sqpoll);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
