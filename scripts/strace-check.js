#!/usr/bin/env node
// Checks under `strace -f` what the engine asks of the kernel; a child process works through
// the engine (native backend forced) between two marker writes. Prints a JSON report; exits 1
// if a check fails, 2 if strace is unavailable.
//
//   node scripts/strace-check.js [reads=10000]   N positional 4 KiB reads: io_uring_enter
//       calls, no pread64/preadv/read on the file from any thread, no thread or process made
//   node scripts/strace-check.js syncs N          N times a 4 KiB write then fdatasync, one
//       at a time (both finish later, in io-wq): how often the engine signalled its own
//       eventfd (8-byte writes) and how many event-loop wake-ups (epoll_pwait) it took
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const MODE = process.argv[2] === 'syncs' ? 'syncs' : 'reads';
const COUNT = Number((MODE === 'syncs' ? process.argv[3] : process.argv[2]) || (MODE === 'syncs' ? 300 : 10000));
const START = 'AYA-STRACE-START';
const END = 'AYA-STRACE-END';

/** The loop body of each mode, run COUNT times on `fd` with a 4 KiB `buf`. */
const STEPS = {
  reads: `const n = await b.read(fd, buf, 0, 4096, (i % 256) * 4096);
    if (n !== 4096) throw new Error('short read ' + n);`,
  syncs: `const n = await b.write(fd, buf, 0, 4096, i * 4096);
    if (n !== 4096) throw new Error('short write ' + n);
    const rc = await b.fsync(fd, true);
    if (rc !== 0) throw new Error('fdatasync ' + rc);`,
};

/** The traced program: open through the engine, mark, COUNT steps, mark. */
const workload = `
const fs = require('node:fs');
const { getBackend } = require(${JSON.stringify(path.join(__dirname, '..', 'dist', 'engine', 'index.js'))});
(async () => {
  const b = getBackend();
  const fd = await b.open(process.argv[1], fs.constants.O_RDWR, 0);
  if (fd < 0) throw new Error('open failed ' + fd);
  const buf = Buffer.alloc(4096, 7);
  fs.writeSync(2, '${START} fd=' + fd + '\\n');
  for (let i = 0; i < ${COUNT}; i++) {
    ${STEPS[MODE]}
  }
  fs.writeSync(2, '${END}\\n');
  await b.close(fd);
})();
`;

/** Trace lines between the markers (any pid), and the fd the workload printed. */
function window(trace) {
  const lines = trace.split('\n');
  const start = lines.findIndex((l) => l.includes(START));
  const end = lines.findIndex((l) => l.includes(END));
  if (start < 0 || end < 0) return null;
  const fd = Number(/fd=(\d+)/.exec(lines[start])[1]);
  return { fd, lines: lines.slice(start + 1, end) };
}

/**
 * io_uring_enter calls on the engine's ring: the ring entered most (Node 26's libuv enters a
 * ring of its own a few times; its calls are not the engine's).
 */
function engineEnters(lines) {
  const byRing = new Map();
  for (const line of lines) {
    const m = /\bio_uring_enter\((\d+),/.exec(line);
    if (m) byRing.set(m[1], (byRing.get(m[1]) ?? 0) + 1);
  }
  return Math.max(0, ...byRing.values());
}

function readsReport(count, fd, lines) {
  const report = {
    reads: COUNT,
    ioUringEnter: engineEnters(lines),
    preadCalls: count(/\b(pread64|preadv2?)\(/),
    readsOnFile: count(new RegExp(`\\b(read|readv)\\(${fd},`)),
    threadsCreated: count(/\b(clone3?|v?fork)\(/),
  };
  report.ok = report.ioUringEnter > 0 && report.preadCalls === 0 && report.readsOnFile === 0 && report.threadsCreated === 0;
  return report;
}

function syncsReport(count, lines) {
  const report = {
    syncs: COUNT,
    ioUringEnter: engineEnters(lines),
    selfSignals: count(/\bwrite\(\d+, "\\1\\0\\0\\0\\0\\0\\0\\0", 8\)/),
    loopWakeups: count(/\bepoll_p?wait\(/),
  };
  report.ok = report.ioUringEnter > 0;
  return report;
}

function main() {
  if (spawnSync('strace', ['-V']).error) {
    console.log(JSON.stringify({ ok: false, error: 'strace is not installed' }));
    process.exit(2);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-strace-'));
  const file = path.join(dir, 'data');
  fs.writeFileSync(file, Buffer.alloc(256 * 4096, 7));
  const traceFile = path.join(dir, 'trace');
  const r = spawnSync(
    'strace',
    ['-f', '-qq', '-o', traceFile, '-e', 'trace=read,pread64,readv,preadv,preadv2,io_uring_enter,clone,clone3,fork,vfork,write,epoll_pwait,epoll_wait',
      process.execPath, '-e', workload, file],
    { env: { ...process.env, AYAFILEIO_BACKEND: 'native' }, encoding: 'utf8' },
  );
  const trace = fs.existsSync(traceFile) ? fs.readFileSync(traceFile, 'utf8') : '';
  fs.rmSync(dir, { recursive: true, force: true });
  const w = window(trace);
  if (r.status !== 0 || !w) {
    console.log(JSON.stringify({ ok: false, error: 'workload failed', status: r.status, stderr: r.stderr.slice(-2000) }));
    process.exit(1);
  }
  const count = (re) => w.lines.filter((l) => re.test(l)).length;
  const report = MODE === 'reads' ? readsReport(count, w.fd, w.lines) : syncsReport(count, w.lines);
  console.log(JSON.stringify(report));
  process.exit(report.ok ? 0 : 1);
}

main();
