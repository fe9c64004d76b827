'use strict';
// Shared helpers for the reliability tests (test/5N.reliab.*): temp dirs, child processes,
// tmpfs mounts, /proc/self sampling and the Node-shaped error check.
const assert = require('node:assert');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');
const DIST = path.join(ROOT, 'dist');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
/** uid/gid of `nobody`, the unprivileged identity the tests drop to. */
const NOBODY = 65534;

/** A fresh temp dir removed when the test ends. */
function tmpDir(t, prefix = 'aya-reliab-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Assert `err` is shaped like the error node:fs gives: an Error with `code`, negative libuv
 * `errno` matching the code, `syscall` (when given) and a message "CODE: description, syscall…".
 */
function assertNodeError(err, code, syscall) {
  assert.ok(err instanceof Error, `expected an Error, got ${String(err)}`);
  assert.strictEqual(err.code, code, `code: ${err.message}`);
  assert.strictEqual(err.errno, -require('./uv-errno.js')[code], `errno of ${code}`);
  if (syscall !== undefined) assert.strictEqual(err.syscall, syscall, `syscall of ${err.message}`);
  assert.match(err.message, new RegExp(`^${code}: `));
  assert.ok(typeof err.stack === 'string' && err.stack.length > 0);
}

/** Assert `promise` rejects with a Node-shaped error `code` (and `syscall` when given). */
async function rejectsWithCode(promise, code, syscall) {
  assert.ok(promise && typeof promise.then === 'function', 'the call returned a promise (no synchronous throw)');
  let caught;
  await promise.then(
    (v) => assert.fail(`expected ${code}, resolved with ${String(v)}`),
    (e) => {
      caught = e;
    },
  );
  assertNodeError(caught, code, syscall);
  return caught;
}

/** Call `fn` and return its promise; a synchronous throw fails the test (public async API contract). */
function noSyncThrow(fn) {
  try {
    return fn();
  } catch (e) {
    assert.fail(`threw synchronously instead of rejecting: ${e && e.stack}`);
  }
}

/**
 * Run `node [nodeArgs] -e code [argv]` in a child (its process.argv[1..] is `argv`), optionally
 * under a launcher `spawnWith` (e.g. setpriv …), and collect its output. `killAfterMs` guards
 * against a hang: the child is SIGKILLed then, which the caller's status check reports.
 * Resolves { status, signal, stdout, stderr }. `onStdout(chunk, child)` sees output as it comes.
 */
function runNode(code, { nodeArgs = [], argv: scriptArgs = [], env = {}, cwd = ROOT, onStdout, spawnWith, killAfterMs } = {}) {
  return new Promise((resolve, reject) => {
    const cmd = spawnWith ? spawnWith[0] : process.execPath;
    const nodeArgv = [...nodeArgs, '-e', code, ...scriptArgs];
    const argv = spawnWith ? [...spawnWith.slice(1), process.execPath, ...nodeArgv] : nodeArgv;
    // killAfterMs: a hang guard (the child is SIGKILLed and the test sees signal 'SIGKILL').
    const child = spawn(cmd, argv, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], timeout: killAfterMs, killSignal: 'SIGKILL' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (c) => {
      stdout += c;
      if (onStdout) onStdout(c, child);
    });
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

/** The JSON a child printed on its last stdout line. */
function lastJson(stdout) {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

/** Assert a child ended normally (status 0, no signal), showing its stderr otherwise. */
function assertChildOk(r) {
  assert.strictEqual(r.signal, null, `child killed by ${r.signal}\n${r.stderr}`);
  assert.strictEqual(r.status, 0, `child exited ${r.status}\n${r.stderr}`);
}

/**
 * Mount a tmpfs of `size` (e.g. '1m') on a fresh dir, unmounted when the test ends.
 * Returns the mount point, or a skip reason string prefixed 'skip:'.
 */
function mountTmpfs(t, size) {
  if (process.platform !== 'linux') return 'skip: tmpfs mounts are Linux-only';
  if (!isRoot) return 'skip: mounting a tmpfs needs root';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-tmpfs-'));
  const r = require('node:child_process').spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) {
    fs.rmdirSync(dir);
    return `skip: mount -t tmpfs failed: ${(r.stderr || r.error || '').toString().trim()}`;
  }
  t.after(() => {
    require('node:child_process').spawnSync('umount', ['-l', dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** Remount a mounted tmpfs read-only; returns null or a skip reason. */
function remountReadOnly(dir) {
  const r = require('node:child_process').spawnSync('mount', ['-o', 'remount,ro', dir], { encoding: 'utf8' });
  return r.status === 0 ? null : `skip: remount,ro failed: ${(r.stderr || '').trim()}`;
}

/** Open fds of this process (entries of /proc/self/fd, minus the one readdir itself uses). */
function openFdCount() {
  return fs.readdirSync('/proc/self/fd').length - 1;
}

/** The set of regular-file paths this process has open (from /proc/self/fd links). */
function openFilePaths() {
  const out = [];
  for (const name of fs.readdirSync('/proc/self/fd')) {
    try {
      out.push(fs.readlinkSync(`/proc/self/fd/${name}`));
    } catch {
      // the fd readdir used is already gone
    }
  }
  return out;
}

/** Resident set size in bytes, from /proc/self/statm. */
function rssBytes() {
  const pages = Number(fs.readFileSync('/proc/self/statm', 'utf8').split(' ')[1]);
  return pages * 4096;
}

/** Which backend the runner asked for in this pass. */
function forcedFallback() {
  return process.env.AYAFILEIO_BACKEND === 'fallback';
}

module.exports = {
  ROOT, DIST, isRoot, NOBODY, tmpDir, assertNodeError, rejectsWithCode, noSyncThrow,
  runNode, lastJson, assertChildOk, mountTmpfs, remountReadOnly, openFdCount, openFilePaths,
  rssBytes, forcedFallback,
};
