#!/usr/bin/env node
// Checks under `strace -f` that file reads go through io_uring: a child process does N
// positional 4 KiB reads through the engine (native backend forced), and between two marker
// writes the trace must show io_uring_enter calls, no pread64/preadv/read on the file from
// any thread, and no thread or process created. Prints a JSON report; exits 1 if a check
// fails, 2 if strace is unavailable.
//
//   node scripts/strace-check.js [reads=10000]
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const READS = Number(process.argv[2] || 10000);
const START = 'AYA-STRACE-START';
const END = 'AYA-STRACE-END';

/** The traced program: open through the engine, mark, read READS times, mark. */
const workload = `
const fs = require('node:fs');
const { getBackend } = require(${JSON.stringify(path.join(__dirname, '..', 'dist', 'engine', 'index.js'))});
(async () => {
  const b = getBackend();
  const fd = await b.open(process.argv[1], fs.constants.O_RDONLY, 0);
  if (fd < 0) throw new Error('open failed ' + fd);
  const buf = Buffer.alloc(4096);
  fs.writeSync(2, '${START} fd=' + fd + '\\n');
  for (let i = 0; i < ${READS}; i++) {
    const n = await b.read(fd, buf, 0, 4096, (i % 256) * 4096);
    if (n !== 4096) throw new Error('short read ' + n);
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
    ['-f', '-qq', '-o', traceFile, '-e', 'trace=read,pread64,readv,preadv,preadv2,io_uring_enter,clone,clone3,fork,vfork,write',
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
  const report = {
    reads: READS,
    ioUringEnter: count(/\bio_uring_enter\(/),
    preadCalls: count(/\b(pread64|preadv2?)\(/),
    readsOnFile: count(new RegExp(`\\b(read|readv)\\(${w.fd},`)),
    threadsCreated: count(/\b(clone3?|v?fork)\(/),
  };
  report.ok = report.ioUringEnter > 0 && report.preadCalls === 0 && report.readsOnFile === 0 && report.threadsCreated === 0;
  console.log(JSON.stringify(report));
  process.exit(report.ok ? 0 : 1);
}

main();
