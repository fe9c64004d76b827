'use strict';
// Covers: every backend (native and fallback passes), every platform; what: ayafileio/register routes node:fs's file calls through ayafileio/fs.
// ayafileio/register (issue 16): loaded with --import (ESM) or -r (CommonJS), node:fs's and
// node:fs/promises' file calls are ayafileio/fs's (named ESM imports too), they give what
// node:fs gives, synchronous calls and fds opened elsewhere stay node:fs's, and registering
// twice changes nothing. Each case runs in a child process; on both backends (the child
// inherits AYAFILEIO_BACKEND).
const test = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-register-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Run `code` in a child node with `flags` (cwd: the package, so 'ayafileio/…' resolves to it); its JSON output. */
function child(flags, code) {
  const r = spawnSync(process.execPath, [...flags, '-e', code], { cwd: root, encoding: 'utf8', env: { ...process.env, DIR: dir } });
  assert.strictEqual(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const CHECKS = `
  const ours = require('ayafileio/fs');
  const file = require('node:path').join(process.env.DIR, 'f' + Math.random());
  const out = {};
  out.promisesRouted = ['open', 'readFile', 'writeFile', 'appendFile', 'stat', 'truncate'].every((n) => fsp[n] === ours.promises[n]);
  out.syncUntouched = fs.readFileSync === ours.readFileSync && fs.readFileSync.name === 'readFileSync';
  await fsp.writeFile(file, 'hello');
  await fsp.appendFile(file, ' world');
  out.text = await fsp.readFile(file, 'utf8');
  out.size = (await fsp.stat(file)).size;
  const h = await fsp.open(file, 'r');
  out.handle = [h.constructor.name, (await h.read(Buffer.alloc(5), 0, 5, 6)).buffer.toString()];
  await h.close();
  out.callback = await new Promise((resolve) => fs.open(file, 'r', (err, fd) => {
    const b = Buffer.alloc(5);
    fs.read(fd, b, 0, 5, 0, (err2, n) => fs.close(fd, (err3) => resolve([err, err2, err3, n, b.toString()])));
  }));
  out.cbReadFile = await new Promise((resolve) => fs.readFile(file, 'utf8', (err, t) => resolve(t)));
  out.missing = await fsp.readFile(file + '.missing').catch((e) => [e.code, e.syscall, e.message.startsWith('ENOENT: no such file or directory, open ')]);
  const foreign = fs.openSync(file, 'r');
  out.foreign = await new Promise((resolve) => fs.fstat(foreign, (err, st) => resolve(st.size)));
  fs.closeSync(foreign);
  out.stream = await new Promise((resolve) => { let s = ''; fs.createReadStream(file, { encoding: 'utf8' }).on('data', (c) => { s += c; }).on('close', () => resolve(s)); });
  console.log(JSON.stringify(out));
`;

const EXPECTED = {
  promisesRouted: true,
  syncUntouched: true,
  text: 'hello world',
  size: 11,
  handle: ['AyaFileHandle', 'world'],
  callback: [null, null, null, 5, 'hello'],
  cbReadFile: 'hello world',
  missing: ['ENOENT', 'open', true],
  foreign: 11,
  stream: 'hello world',
};

test('--import ayafileio/register: node:fs and ESM named imports of node:fs/promises go through ayafileio/fs', () => {
  const code = `
    import fs from 'node:fs';
    import * as fsp from 'node:fs/promises';
    import { readFile } from 'node:fs/promises';
    import { createRequire } from 'node:module';
    const require = createRequire(process.cwd() + '/');
    if (readFile !== require('ayafileio/fs').promises.readFile) throw new Error('named import not routed');
    ${CHECKS}`;
  assert.deepStrictEqual(child(['--import', 'ayafileio/register', '--input-type=module'], code), EXPECTED);
});

test('-r ayafileio/register (CommonJS), and registering twice changes nothing', () => {
  const code = `
    require('ayafileio/register');
    const fs = require('node:fs');
    const fsp = require('node:fs/promises');
    (async () => { ${CHECKS} })();`;
  assert.deepStrictEqual(child(['-r', 'ayafileio/register'], code), EXPECTED);
});

test('without register, node:fs is untouched', () => {
  const out = child([], `
    const fsp = require('node:fs/promises');
    require('ayafileio/fs');
    console.log(JSON.stringify(fsp.readFile === require('ayafileio/fs').promises.readFile));`);
  assert.strictEqual(out, false);
});
