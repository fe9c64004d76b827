'use strict';
// Covers: every backend (native, waiter-thread and fallback passes), every platform (credential cases POSIX as root, Buffer-name case POSIX); what: credentials after a privilege drop, paths passed as given.
// Security (issue 4).
// 1. Credentials: io_uring work runs with the credentials the ring was created with
//    (CVE-2024-22017 in libuv). As root, a child drops to nobody with setgroups/setgid/setuid
//    and tries every op that takes a path on root-only files: each must fail EACCES, with the
//    engine cold (first op after the drop) and warm (ring created as root before the drop).
//    The runner's second pass repeats this on the forced fallback.
// 2. Paths reach the kernel exactly as given: no shell, no normalisation, bytes kept.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { isRoot, NOBODY, tmpDir, runNode, lastJson, assertChildOk } = require('./_lib/reliab-util.js');

const DIST = path.join(__dirname, '..', 'dist');
const aya = require(path.join(DIST, 'index.js'));

/** Root-only fixtures: a 0600 file in a 0755 dir, and a file inside a 0700 dir. */
function rootOnlyFixtures(t) {
  const dir = tmpDir(t);
  fs.chmodSync(dir, 0o755);
  const secret = path.join(dir, 'secret');
  fs.writeFileSync(secret, 'root only', { mode: 0o600 });
  const vault = path.join(dir, 'vault');
  fs.mkdirSync(vault, { mode: 0o700 });
  const hidden = path.join(vault, 'hidden');
  fs.writeFileSync(hidden, 'root only', { mode: 0o644 });
  return { dir, secret, hidden, created: path.join(dir, 'created-by-nobody') };
}

/**
 * The child: optionally warm the engine as root (open, read, stat a file), drop privileges,
 * then try each path op and report [code, errno, syscall] or 'ok'.
 */
function dropChild(fx, warm) {
  return `
    const fs = require('node:fs');
    const aya = require(${JSON.stringify(path.join(DIST, 'index.js'))});
    const { getBackend } = require(${JSON.stringify(require('./_lib/internals.js').paths.engine)});
    const fx = ${JSON.stringify(fx)};
    const report = (p) => p.then((v) => (typeof v === 'number' && v < 0 ? ['raw', v] : 'ok'), (e) => [e.code, e.errno, e.syscall]);
    (async () => {
      if (${warm}) {
        const f = await aya.open(fx.secret, 'rb');     // the ring (if any) is created as root
        await f.read();
        await f.close();
        await getBackend().stat(fx.hidden);
      }
      process.setgroups([]);
      process.setgid(${NOBODY});
      process.setuid(${NOBODY});
      const out = { uid: process.getuid(), gid: process.getgid(), groups: process.getgroups(), backend: aya.getBackendInfo().backend };
      out.openRead = await report(aya.open(fx.secret, 'rb'));
      out.openWrite = await report(aya.open(fx.secret, 'r+b'));
      out.openAppend = await report(aya.open(fx.secret, 'ab'));
      out.openCreate = await report(aya.open(fx.created, 'wb'));
      out.openInVault = await report(aya.open(fx.hidden, 'rb'));
      out.rawOpen = await report(getBackend().open(fx.secret, fs.constants.O_RDONLY, 0));
      out.rawStatInVault = await report(getBackend().stat(fx.hidden));
      if (typeof aya.readFile === 'function') out.readFile = await report(aya.readFile(fx.secret));
      if (typeof aya.writeFile === 'function') out.writeFile = await report(aya.writeFile(fx.secret, 'pwned'));
      if (typeof aya.appendFile === 'function') out.appendFile = await report(aya.appendFile(fx.secret, 'pwned'));
      console.log(JSON.stringify(out));
    })().catch((e) => { console.error(e); process.exit(1); });`;
}

for (const warm of [false, true]) {
  test(`after setgroups/setgid/setuid to nobody (engine ${warm ? 'warm: ring created as root' : 'cold'}), every path op on root-only files fails EACCES`, {
    skip: process.platform === 'win32' ? 'setuid and POSIX owners and modes do not exist on Windows' : !isRoot && 'needs root (creates root-only files and drops privileges)',
  }, async (t) => {
    const fx = rootOnlyFixtures(t);
    const r = await runNode(dropChild(fx, warm), { killAfterMs: 60_000 });
    assertChildOk(r);
    const out = lastJson(r.stdout);
    assert.strictEqual(out.uid, NOBODY);
    assert.strictEqual(out.gid, NOBODY);
    // process.getgroups() lists the effective gid too; no root group may remain
    assert.ok(out.groups.every((g) => g === NOBODY), `groups ${out.groups}`);
    const EACCES = ['EACCES', -13];
    for (const op of ['openRead', 'openWrite', 'openAppend', 'openCreate', 'openInVault']) {
      assert.deepStrictEqual(out[op], [...EACCES, 'open'], `${op} as nobody on ${out.backend}`);
    }
    assert.deepStrictEqual(out.rawOpen, ['raw', -13], 'raw open op');
    assert.deepStrictEqual(out.rawStatInVault, ['raw', -13], 'raw stat op inside a 0700 dir');
    for (const op of ['readFile', 'writeFile', 'appendFile']) {
      if (op in out) assert.deepStrictEqual(out[op].slice(0, 2), EACCES, `${op} as nobody`);
    }
    assert.strictEqual(fs.readFileSync(fx.secret, 'utf8'), 'root only', 'the secret is untouched');
    assert.strictEqual(fs.existsSync(fx.created), false, 'nobody could not create a file in a root dir');
  });
}

const HOSTILE_NAMES = [
  'with space',
  ' leading and trailing ',
  "single'quote",
  'double"quote',
  '$(touch pwned)',
  '`touch pwned`',
  '; rm -rf x',
  'new\nline',
  'tab\there',
  '-rf',
  '--help',
  '*',
  'back\\slash',
  '\u00e9-nfc', // é precomposed
  'e\u0301-nfd', // e + combining acute: a different name, not normalised into the one above
  'emoji-\u{1F600}',
  '.hidden',
  '..dots..',
];

// Windows refuses < > : " | ? * \ and control characters in a name, and drops a trailing dot
// or space, so there the names it allows are tested.
const WINDOWS_REFUSED = /[<>:"|?*\\\x00-\x1f]|[. ]$/;
const NAMES = process.platform === 'win32' ? HOSTILE_NAMES.filter((n) => !WINDOWS_REFUSED.test(n)) : HOSTILE_NAMES;

test('paths are passed exactly as given: hostile names create exactly that name', async (t) => {
  const dir = tmpDir(t);
  for (const name of NAMES) {
    const f = await aya.open(path.join(dir, name), 'wb');
    await f.write(Buffer.from(name));
    await f.close();
  }
  assert.deepStrictEqual(fs.readdirSync(dir).sort(), [...NAMES].sort());
  for (const name of NAMES) {
    const f = await aya.open(path.join(dir, name), 'rb');
    assert.strictEqual((await f.read()).toString(), name);
    await f.close();
  }
  assert.strictEqual(fs.existsSync(path.join(dir, 'pwned')), false);
  assert.strictEqual(fs.existsSync('pwned'), false);
});

test('non-UTF-8 names given as a Buffer are created byte for byte', {
  skip: process.platform === 'win32' ? 'Windows names are UTF-16: a Buffer path is decoded as UTF-8' : false,
}, async (t) => {
  const dir = tmpDir(t);
  const names = [
    Buffer.from([0x66, 0xff, 0xfe, 0x2e, 0x62, 0x69, 0x6e]), // f\xff\xfe.bin
    Buffer.from([0xc3, 0x28]), // an invalid UTF-8 sequence
    Buffer.from([0x80]),
    Buffer.from('latin1-\xe9', 'latin1'),
  ];
  for (const name of names) {
    const full = Buffer.concat([Buffer.from(dir + path.sep), name]);
    const f = await aya.open(full, 'wb');
    await f.write(name);
    await f.close();
    const g = await aya.open(full, 'rb');
    assert.ok((await g.read()).equals(name));
    await g.close();
  }
  const listed = fs.readdirSync(dir, { encoding: 'buffer' }).map((b) => b.toString('hex')).sort();
  assert.deepStrictEqual(listed, names.map((b) => b.toString('hex')).sort());
});

test('a relative path is resolved against the working directory, not rewritten', async (t) => {
  const dir = tmpDir(t);
  const code = `
    const aya = require(${JSON.stringify(path.join(DIST, 'index.js'))});
    process.chdir(process.argv[1]);
    (async () => {
      for (const name of ['-n', './--', 'sub/../up']) {
        const f = await aya.open(name, 'wb').catch((e) => e);
        if (f instanceof Error) { console.log(JSON.stringify({ name, code: f.code })); continue; }
        await f.close();
      }
      console.log(JSON.stringify({ done: true }));
    })();`;
  const r = await runNode(code, { argv: [dir], killAfterMs: 60_000 });
  assertChildOk(r);
  const lines = r.stdout.trim().split(/\r?\n/).map((l) => JSON.parse(l));
  if (process.platform === 'win32') {
    // Win32 removes 'sub/..' from the text before the file system sees it, as for node:fs
    assert.deepStrictEqual(lines, [{ done: true }]);
    assert.deepStrictEqual(fs.readdirSync(dir).sort(), ['--', '-n', 'up']);
    return;
  }
  // 'sub/../up' needs 'sub' to exist (the kernel resolves '..' after 'sub'): ENOENT, like fs
  assert.deepStrictEqual(lines, [{ name: 'sub/../up', code: 'ENOENT' }, { done: true }]);
  assert.deepStrictEqual(fs.readdirSync(dir).sort(), ['--', '-n']);
});
