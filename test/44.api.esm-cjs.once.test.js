'use strict';
// Covers: no backend: module loading (native pass only), every platform (symlinked-package case skipped under Wine); what: the ESM and CommonJS entries are one instance.
// The ESM and CommonJS entry points are one module instance: `import { open } from
// 'ayafileio'` and `require('ayafileio')` see the same functions and the same configuration,
// both through the package's self-reference and from a consumer with the package in its
// node_modules.
const test = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');

test('self-reference: require and import give the same exports', async () => {
  const cjs = require('ayafileio');
  assert.strictEqual(cjs, require('../dist/index.js'));
  const esm = await import('ayafileio');
  assert.strictEqual(esm.default, cjs);
  const names = Object.keys(cjs);
  assert.ok(names.includes('open') && names.includes('configure') && names.includes('readFile'));
  for (const name of names) assert.strictEqual(esm[name], cjs[name], name);
  assert.deepStrictEqual(Object.keys(esm).filter((n) => n !== 'default').sort(), [...names].sort());
});

test('configure() through ESM is seen through CommonJS', async () => {
  const cjs = require('ayafileio');
  const esm = await import('ayafileio');
  try {
    esm.configure({ bufferSize: 12345 });
    assert.strictEqual(cjs.getConfig().bufferSize, 12345);
  } finally {
    cjs.resetConfig();
  }
});

/** Write ESM and CJS consumers into `consumer` and check each sees one module instance. */
function checkConsumers(consumer) {
  fs.writeFileSync(path.join(consumer, 'main.mjs'), `
    import { configure, open, getConfig } from 'ayafileio';
    import { createRequire } from 'node:module';
    const cjs = createRequire(import.meta.url)('ayafileio');
    configure({ closeTimeoutMs: 77 });
    console.log(JSON.stringify({ sameOpen: cjs.open === open, sameGet: cjs.getConfig === getConfig,
      seen: cjs.getConfig().closeTimeoutMs }));`);
  fs.writeFileSync(path.join(consumer, 'main.cjs'), `
    const cjs = require('ayafileio');
    import('ayafileio').then((esm) => {
      esm.configure({ closeTimeoutMs: 88 });
      console.log(JSON.stringify({ sameOpen: esm.open === cjs.open, sameGet: esm.getConfig === cjs.getConfig,
        seen: cjs.getConfig().closeTimeoutMs }));
    });`);
  for (const [file, seen] of [['main.mjs', 77], ['main.cjs', 88]]) {
    const r = spawnSync(process.execPath, [file], { cwd: consumer, encoding: 'utf8' });
    assert.strictEqual(r.status, 0, r.stderr);
    assert.deepStrictEqual(JSON.parse(r.stdout), { sameOpen: true, sameGet: true, seen }, file);
  }
}

/** Run `body(dir)` with a fresh temp dir holding an empty node_modules; remove it after. */
function withConsumerDir(body) {
  const consumer = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-consumer-'));
  try {
    fs.mkdirSync(path.join(consumer, 'node_modules'));
    body(consumer);
  } finally {
    fs.rmSync(consumer, { recursive: true, force: true });
  }
}

test('a consumer with the package symlinked in node_modules: one instance from .mjs and .cjs', {
  skip: process.env.AYAFILEIO_WINE === '1' ? 'Wine: node cannot resolve a package through a directory symlink there' : false,
}, () => {
  withConsumerDir((consumer) => {
    fs.symlinkSync(root, path.join(consumer, 'node_modules', 'ayafileio'), 'dir');
    checkConsumers(consumer);
  });
});

const npmCli = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
const noPack = (!fs.existsSync(npmCli) && `npm not found at ${npmCli}`)
  || (spawnSync('tar', ['--version']).status !== 0 && 'no tar command');

test('the packed tarball (npm pack) works from .mjs and .cjs as one instance', { skip: noPack }, () => {
  withConsumerDir((consumer) => {
    const pack = spawnSync(process.execPath, [npmCli, 'pack', '--ignore-scripts', '--json', '--pack-destination', consumer],
      { cwd: root, encoding: 'utf8' });
    assert.strictEqual(pack.status, 0, pack.stderr);
    const [{ filename, files }] = JSON.parse(pack.stdout);
    const paths = files.map((f) => f.path);
    for (const entry of ['dist/index.js', 'dist/index.mjs', 'dist/index.d.ts', 'dist/index.d.mts', 'package.json']) {
      assert.ok(paths.includes(entry), `${entry} is packed`);
    }
    assert.ok(!paths.some((p) => p.startsWith('test/') || p.startsWith('src/')), 'no sources or tests packed');
    const target = path.join(consumer, 'node_modules', 'ayafileio');
    fs.mkdirSync(target);
    const untar = spawnSync('tar', ['-xzf', path.join(consumer, path.basename(filename)), '-C', target, '--strip-components=1']);
    assert.strictEqual(untar.status, 0, String(untar.stderr));
    checkConsumers(consumer);
  });
});

test('version is the package.json version', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  assert.strictEqual(require('ayafileio').version, pkg.version);
});

/** Every file path in an exports entry (its conditions may nest). */
function targets(entry) {
  return typeof entry === 'string' ? [entry] : Object.values(entry).flatMap(targets);
}

test('package.json points every condition at files that exist; import and require have their own types', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const entry = pkg.exports['.'];
  for (const target of [pkg.main, pkg.types, ...targets(entry)]) {
    assert.ok(fs.existsSync(path.join(root, target)), target);
  }
  assert.strictEqual(entry.import.types, './dist/index.d.mts');
  assert.strictEqual(entry.require.types, './dist/index.d.ts');
});
