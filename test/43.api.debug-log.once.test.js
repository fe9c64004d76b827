'use strict';
// Covers: the native pass's backend and a forced-fallback child (native pass only), every platform; what: the debug log: off, on, its lines.
// The debug log: silent by default (the message function is not even called), on with
// configure({ enableDebugLog: true }) or NODE_DEBUG naming ayafileio, off again after reset.
// Each case runs in a child process so its stderr can be captured.
const test = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const internals = require('./_lib/internals.js');

const dist = path.join(__dirname, '..', 'dist');

/** Run `body` (JS source using debugLog/configure/resetConfig) in a child; return its stderr. */
function runChild(body, env = {}) {
  const script = `
    const { debugLog, isDebugEnabled } = require(${JSON.stringify(internals.paths.debug)});
    const { configure, resetConfig } = require(${JSON.stringify(path.join(dist, 'index.js'))});
    ${body}`;
  const childEnv = { ...process.env, ...env };
  if (!('NODE_DEBUG' in env)) delete childEnv.NODE_DEBUG;
  const r = spawnSync(process.execPath, ['-e', script], { env: childEnv, encoding: 'utf8' });
  assert.strictEqual(r.status, 0, r.stderr);
  // Only this test's lines (category "t.*"): the library may log its own events too.
  const stderr = r.stderr.split(/(?<=\n)/).filter((line) => line.includes(': t.')).join('');
  return { stderr, stdout: r.stdout, pid: r.pid };
}

test('off by default: nothing written and the message function is not called', () => {
  const { stderr, stdout } = runChild(`
    let called = false;
    debugLog('t.ring', () => { called = true; return 'built'; });
    debugLog('t.ring', 'plain');
    process.stdout.write(JSON.stringify({ called, enabled: isDebugEnabled() }));`);
  assert.strictEqual(stderr, '');
  assert.deepStrictEqual(JSON.parse(stdout), { called: false, enabled: false });
});

test('enableDebugLog turns it on at once and resetConfig turns it off', () => {
  const { stderr, pid } = runChild(`
    debugLog('t.ring', 'before');
    configure({ enableDebugLog: true });
    debugLog('t.ring', 'during');
    debugLog('t.fallback', () => 'lazy ' + 42);
    resetConfig();
    debugLog('t.ring', 'after');`);
  assert.strictEqual(stderr, `AYAFILEIO ${pid}: t.ring: during\nAYAFILEIO ${pid}: t.fallback: lazy 42\n`);
});

test('the snake_case enable_debug_log works the same', () => {
  const { stderr, pid } = runChild(`configure({ enable_debug_log: true }); debugLog('t.op', 'x');`);
  assert.strictEqual(stderr, `AYAFILEIO ${pid}: t.op: x\n`);
});

test('NODE_DEBUG=ayafileio (in a list, any case, or by wildcard) turns it on', () => {
  for (const value of ['ayafileio', 'fs,AYAFILEIO', 'aya*']) {
    const { stderr, pid } = runChild(`debugLog('t.op', 'slow read'); resetConfig(); debugLog('t.op', 'still on');`, { NODE_DEBUG: value });
    assert.strictEqual(stderr, `AYAFILEIO ${pid}: t.op: slow read\nAYAFILEIO ${pid}: t.op: still on\n`, value);
  }
});

test('NODE_DEBUG naming other sections leaves it off', () => {
  const { stderr } = runChild(`debugLog('t.op', 'x');`, { NODE_DEBUG: 'ayafile,net' });
  assert.strictEqual(stderr, '');
});

test('the library logs its backend choice and ring setup (or the fallback and why)', () => {
  const script = `const a = require(${JSON.stringify(path.join(dist, 'index.js'))});
    a.configure({ enableDebugLog: true });
    a.readFile(${JSON.stringify(__filename)}).then(() => process.stdout.write(a.getBackendInfo().backend));`;
  const env = { ...process.env };
  delete env.NODE_DEBUG;
  const native = spawnSync(process.execPath, ['-e', script], { env, encoding: 'utf8' });
  assert.strictEqual(native.status, 0, native.stderr);
  assert.match(native.stderr, new RegExp(`^AYAFILEIO ${native.pid}: backend: ${native.stdout}`, 'm'));
  if (native.stdout === 'io_uring') assert.match(native.stderr, /: ring: set up .*: 256 entries, flags /);
  const forced = spawnSync(process.execPath, ['-e', script], { env: { ...env, AYAFILEIO_BACKEND: 'fallback' }, encoding: 'utf8' });
  assert.strictEqual(forced.status, 0, forced.stderr);
  assert.strictEqual(forced.stderr, `AYAFILEIO ${forced.pid}: backend: fallback: forced by AYAFILEIO_BACKEND=fallback\n`);
});
