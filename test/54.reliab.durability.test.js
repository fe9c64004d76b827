'use strict';
// Covers: every backend (native, waiter-thread and fallback passes), every platform; what: records acknowledged after sync() survive a SIGKILL.
// Durability (issue 4): a child writes records and sync()s them, printing each record only
// after sync() resolved; the parent SIGKILLs it mid-stream. Every acknowledged record must be
// in the file, intact and in order. The page cache survives a process kill, so this proves
// the ordering/acknowledgement logic (nothing is acknowledged before the write reached the
// kernel), not power-loss durability.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { tmpDir, runNode } = require('./_lib/reliab-util.js');

const DIST_INDEX = path.join(__dirname, '..', 'dist', 'index.js');
const RECORD = 64;

/** Record i: fixed width, self-describing, so a torn or misplaced record is detectable. */
const recordText = (i) => `rec ${String(i).padStart(10, '0')} ${'x'.repeat(RECORD - 16)}\n`;

// Stream writes through the buffer (sync flushes them), plus positional writeAt records in a
// second file, to cover both paths. Several records are written per sync, and acks are
// printed only after sync() resolved.
const WRITER = `
const path = require('node:path');
const aya = require(${JSON.stringify(DIST_INDEX)});
const dir = process.argv[1];
const RECORD = ${RECORD};
const recordText = ${recordText.toString()};
(async () => {
  const log = await aya.open(path.join(dir, 'log'), 'ab');
  const pos = await aya.open(path.join(dir, 'pos'), 'w+b');
  for (let i = 0; ; i += 4) {
    for (let k = i; k < i + 4; k++) {
      log.write(Buffer.from(recordText(k)));
      pos.writeAt(k * RECORD, Buffer.from(recordText(k)));
    }
    await Promise.all([log.sync(), pos.datasync()]);
    process.stdout.write('ack ' + (i + 3) + '\\n');
  }
})().catch((e) => { console.error(e); process.exit(1); });
`;

test('SIGKILL mid-stream: every record acknowledged after sync() is on disk, in order', { timeout: 120_000 }, async (t) => {
  const dir = tmpDir(t);
  let acked = -1;
  let killedAt;
  const r = await runNode(WRITER, {
    argv: [dir],
    killAfterMs: 100_000,
    onStdout: (chunk, child) => {
      for (const m of chunk.matchAll(/ack (\d+)/g)) acked = Math.max(acked, Number(m[1]));
      if (killedAt === undefined && acked >= 1000) {
        killedAt = acked;
        child.kill('SIGKILL');
      }
    },
  });
  assert.strictEqual(r.signal, 'SIGKILL', `the writer was killed mid-stream (stderr: ${r.stderr})`);
  assert.ok(acked >= 1000, `records acknowledged: ${acked + 1}`);
  // Acks printed between the kill decision and the kill also count: they were acknowledged.
  const lastAck = Number([...r.stdout.matchAll(/ack (\d+)/g)].pop()[1]);
  const log = fs.readFileSync(path.join(dir, 'log'), 'utf8');
  const pos = fs.readFileSync(path.join(dir, 'pos'));
  assert.ok(log.length >= (lastAck + 1) * RECORD, `log holds ${log.length / RECORD} records, ${lastAck + 1} acknowledged`);
  for (let i = 0; i <= lastAck; i++) {
    assert.strictEqual(log.slice(i * RECORD, (i + 1) * RECORD), recordText(i), `log record ${i}`);
    assert.strictEqual(pos.subarray(i * RECORD, (i + 1) * RECORD).toString(), recordText(i), `positional record ${i}`);
  }
  // What follows the acknowledged prefix is whole records in order (never a reordered one).
  const extra = Math.floor(log.length / RECORD);
  for (let i = lastAck + 1; i < extra; i++) assert.strictEqual(log.slice(i * RECORD, (i + 1) * RECORD), recordText(i));
  t.diagnostic(`acknowledged ${lastAck + 1} records per file, ${extra} whole records in the log, bytes lost 0`);
});
