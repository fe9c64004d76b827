'use strict';
// Covers: every backend (native, waiter-thread and fallback passes), every platform; what: a loop of inline completions still lets the event loop turn.
// Cached reads complete inside io_uring_enter and settle without an event-loop turn; a loop
// of them must still let the loop turn now and then, or timers and other I/O starve.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { getBackend } = require('./_lib/internals.js').engine;
const { scaledForWine } = require('./_lib/wine-scale.js');

// The check: a 1M-read loop where reads complete inline (io_uring, ~4 µs each). The
// fallback completes every read on libuv's pool, a loop turn each, so 60,000 show the same
// there; under Wine a read costs about a millisecond, so 10,000 span seconds.
const READS = scaledForWine(getBackend().kind === 'io_uring' ? 1000000 : 60000, 10000);

test('a 1 ms setInterval keeps firing during a long loop of cached reads', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-fair-'));
  try {
    const file = path.join(dir, 'data');
    fs.writeFileSync(file, Buffer.alloc(64 * 4096, 3));
    const b = getBackend();
    const fd = await b.open(file, fs.constants.O_RDONLY, 0);
    const buf = Buffer.alloc(4096);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    for (let i = 0; i < READS; i++) {
      assert.strictEqual(await b.read(fd, buf, 0, 4096, (i % 64) * 4096), 4096);
    }
    clearInterval(timer);
    await b.close(fd);
    // Every run above takes well over 5 ms; yielding to the loop every few thousand inline
    // completions gives the timer many chances. Without yielding it would never run (0 ticks).
    assert.ok(ticks >= 5, `interval fired ${ticks} times`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
