'use strict';
// Covers: io_uring blocked by seccomp, so the fallback (native pass only), Linux with a C compiler; what: the fallback is chosen with its reason and test/10 passes on it.
// io_uring blocked by a seccomp filter (as Docker's default profile does): the process picks
// the fallback on its own, says why, and the op-level suite passes on it. A small launcher,
// compiled here, installs a filter answering EPERM to io_uring_setup and execs node.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { loadBinding } = require('./_lib/internals.js').binding;

/** The addon's backend when one loads: a filter on io_uring_setup only matters to io_uring. */
const addonBackend = loadBinding().addon?.backend;

const LAUNCHER_C = String.raw`
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH AUDIT_ARCH_AARCH64
#else
#error "unsupported architecture"
#endif

int main(int argc, char **argv) {
  struct sock_filter filter[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH, 1, 0),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 425 /* io_uring_setup */, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = { .len = sizeof filter / sizeof filter[0], .filter = filter };
  if (argc < 2) return 2;
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) { perror("no_new_privs"); return 2; }
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) { perror("seccomp"); return 2; }
  execv(argv[1], argv + 1);
  perror("execv");
  return 2;
}
`;

const root = path.join(__dirname, '..');
const hasCc = !spawnSync('cc', ['--version']).error;

/** Compile the launcher; its path. */
function buildLauncher(dir) {
  const src = path.join(dir, 'deny-io-uring.c');
  const bin = path.join(dir, 'deny-io-uring');
  fs.writeFileSync(src, LAUNCHER_C);
  const r = spawnSync('cc', ['-O2', '-o', bin, src], { encoding: 'utf8' });
  assert.strictEqual(r.status, 0, r.stderr);
  return bin;
}

/** Run node under the launcher with `args`, backend selection left to the library. */
function runBlocked(launcher, args) {
  const env = { ...process.env };
  delete env.AYAFILEIO_BACKEND;
  delete env.NODE_TEST_CONTEXT; // a nested `node --test` would otherwise report to us in its binary form
  return spawnSync(launcher, [process.execPath, ...args], { cwd: root, env, encoding: 'utf8' });
}

test('seccomp-blocked io_uring: fallback chosen with the reason, op suite passes', {
  skip: process.platform !== 'linux' ? 'seccomp is Linux-only' : !hasCc ? 'no C compiler (cc)'
    : addonBackend !== undefined && addonBackend !== 'io_uring' ? `covers io_uring; the addon is ${addonBackend}` : false,
}, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-seccomp-'));
  try {
    const launcher = buildLauncher(dir);
    const probe = runBlocked(launcher, ['-e', `
      const { getBackendInfo } = require('./dist/index.js');
      process.stdout.write(JSON.stringify(getBackendInfo()));`]);
    assert.strictEqual(probe.status, 0, probe.stderr);
    const info = JSON.parse(probe.stdout);
    assert.strictEqual(info.backend, 'fallback');
    assert.strictEqual(info.isTrulyAsync, false);
    assert.match(info.reason, /io_uring_setup failed with EPERM/);
    assert.match(info.reason, /seccomp/);
    const suite = runBlocked(launcher, ['--test', path.join('test', '10.engine.ops.test.js')]);
    assert.strictEqual(suite.status, 0, suite.stdout.slice(-3000));
    assert.match(suite.stdout, /(?:#|ℹ) pass [1-9]/); // the TAP reporter, or the spec reporter (Node 23+)
    assert.match(suite.stdout, /(?:#|ℹ) fail 0/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
