'use strict';
// Covers: every backend (native and fallback passes), every platform; what: text reads are linear in what they return (counted, not timed).
// Text reads are linear in the length of what they return (issue 12, item 2). Time is not
// asserted: the test counts the characters handed to the string searches the text layer uses
// (indexOf, RegExp exec, charCodeAt: the sum of the searched string's length per call). A
// read that re-searches (and so re-flattens) the whole window for every 8 KiB chunk does
// quadratic work: 4x the line then costs 16x; a linear read costs 4x.
const test = require('node:test');
const assert = require('node:assert');
const { open } = require('../dist/index.js');
const { fileWith } = require('./_lib/file-helpers.js');

const MiB = 1 << 20;

/** Run `fn` while counting the length of every string searched; resolves that sum. */
async function searchWork(fn) {
  const originals = {
    indexOf: String.prototype.indexOf,
    charCodeAt: String.prototype.charCodeAt,
    exec: RegExp.prototype.exec,
  };
  let work = 0;
  String.prototype.indexOf = function (...args) {
    work += this.length;
    return originals.indexOf.apply(this, args);
  };
  String.prototype.charCodeAt = function (i) {
    work += this.length;
    return originals.charCodeAt.call(this, i);
  };
  RegExp.prototype.exec = function (s) {
    work += String(s).length;
    return originals.exec.call(this, s);
  };
  try {
    await fn();
  } finally {
    String.prototype.indexOf = originals.indexOf;
    String.prototype.charCodeAt = originals.charCodeAt;
    RegExp.prototype.exec = originals.exec;
  }
  return work;
}

/** The search work of reading one `size`-character line with `read`, checking what it returns. */
async function lineWork(size, newline, read) {
  const path = fileWith('x'.repeat(size) + '\r\n' + 'next\r\n');
  const f = await open(path, 'r', { newline });
  let line;
  const work = await searchWork(async () => {
    line = await read(f, size);
  });
  const terminator = newline === undefined ? '\n' : newline === '' ? '\r\n' : newline === '\r' ? '\r' : '\r\n';
  assert.strictEqual(line.length, size + terminator.length, 'the whole line');
  assert.ok(line.endsWith(terminator));
  await f.close();
  return work;
}

function assertLinear(small, large, what) {
  // linear: 4; quadratic: 16
  assert.ok(large < 6 * small, `${what}: 4x the line cost ${(large / small).toFixed(1)}x the search work`);
}

for (const newline of [undefined, '', '\n', '\r', '\r\n']) {
  test(`readline() of a long line is linear in its length (newline ${JSON.stringify(newline)})`, async () => {
    const read = (f) => f.readline();
    assertLinear(await lineWork(MiB, newline, read), await lineWork(4 * MiB, newline, read), 'readline()');
  });
}

test('readline(limit) and read(n) of a long line are linear in its length', async () => {
  const readline = (f, size) => f.readline(size + 2);
  assertLinear(await lineWork(MiB, undefined, readline), await lineWork(4 * MiB, undefined, readline), 'readline(limit)');
  const read = (f, size) => f.read(size + 1);
  assertLinear(await lineWork(MiB, undefined, read), await lineWork(4 * MiB, undefined, read), 'read(n)');
});
