'use strict';
// Covers: every backend (native and fallback passes), every platform (pipe case POSIX); what: text mode through open(): decoding, error modes, tell() cookies, writes after reads.
// Text mode through the public open(): characters, incremental decoding across buffer
// boundaries, error modes, exact tell() cookies, and writes/truncates at the logical position
// after reads (where CPython goes wrong: docs/text.md caveats A, B, D).
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const { open } = require('../dist/index.js');
const { fileWith, tmpPath, rejectsWith } = require('./_lib/file-helpers.js');

/** Read the whole file with read(step) calls; returns the pieces. */
async function readPieces(f, step) {
  const pieces = [];
  for (let s = await f.read(step); s !== ''; s = await f.read(step)) pieces.push(s);
  return pieces;
}

test('read(n) returns n code points: a surrogate pair is one character', async () => {
  const f = await open(fileWith('a😀b€c'), 'r', { bufferSize: 3 });
  assert.deepStrictEqual(await readPieces(f, 1), ['a', '😀', 'b', '€', 'c']);
  await f.seek(0);
  assert.strictEqual(await f.read(2), 'a😀');
  assert.strictEqual(await f.readline(2), 'b€');
  await f.close();
});

test('multi-byte characters split at every buffer offset decode intact (utf-8, utf-16le)', async () => {
  const text = 'é€😀x\r\n'.repeat(5);
  for (const encoding of ['utf-8', 'utf-16le']) {
    for (let bufferSize = 1; bufferSize <= 9; bufferSize++) {
      const f = await open(fileWith(Buffer.from(text, encoding === 'utf-8' ? 'utf8' : 'utf16le')), 'r', { encoding, newline: '', bufferSize });
      assert.strictEqual((await readPieces(f, 1)).join(''), text, `${encoding}, bufferSize ${bufferSize}`);
      await f.close();
    }
  }
});

test("newline: each of Python's settings ends lines and translates as Python does", async () => {
  const raw = 'a\rb\r\nc\nd\r';
  const expected = {
    undefined: ['a\n', 'b\n', 'c\n', 'd\n'],
    '': ['a\r', 'b\r\n', 'c\n', 'd\r'],
    '\n': ['a\rb\r\n', 'c\n', 'd\r'],
    '\r': ['a\r', 'b\r', '\nc\nd\r'],
    '\r\n': ['a\rb\r\n', 'c\nd\r'],
  };
  for (const [key, lines] of Object.entries(expected)) {
    const newline = key === 'undefined' ? undefined : key;
    for (const bufferSize of [1, 2, 64]) {
      const f = await open(fileWith(raw), 'r', { newline, bufferSize });
      assert.deepStrictEqual(await f.readlines(), lines, `newline ${JSON.stringify(newline)}, bufferSize ${bufferSize}`);
      await f.close();
    }
  }
});

test("newline undefined: a '\\r' ending one buffer and a '\\n' starting the next are one newline", async () => {
  for (let pad = 0; pad < 6; pad++) {
    const f = await open(fileWith('x'.repeat(pad) + '\r\nend'), 'r', { bufferSize: 3 });
    assert.strictEqual(await f.read(pad + 1), 'x'.repeat(pad) + '\n');
    assert.strictEqual(await f.tell(), pad + 2, 'the position is past both bytes');
    assert.strictEqual(await f.read(), 'end');
    await f.close();
  }
});

test("newline on write: undefined uses os.EOL, '\\r' and '\\r\\n' replace '\\n', '' and '\\n' keep it", async () => {
  const cases = { undefined: os.EOL, '': '\n', '\n': '\n', '\r': '\r', '\r\n': '\r\n' };
  for (const [key, nl] of Object.entries(cases)) {
    const p = tmpPath();
    const f = await open(p, 'w', { newline: key === 'undefined' ? undefined : key });
    assert.strictEqual(await f.write('a\nb\r\n'), 5);
    await f.close();
    assert.strictEqual(fs.readFileSync(p, 'latin1'), `a${nl}b\r${nl}`, `newline ${JSON.stringify(key)}`);
  }
});

test('tell() is the exact byte position after every character, mid-buffer, in every newline mode', async () => {
  const raw = 'aé\r\n€\r😀\nb\r';
  for (const newline of [undefined, '', '\n', '\r', '\r\n']) {
    const f = await open(fileWith(raw), 'r', { newline, bufferSize: 4 });
    let consumed = 0;
    for (let ch = await f.read(1); ch !== ''; ch = await f.read(1)) {
      consumed += newline === undefined && raw.startsWith('\r\n', consumed) ? 2 : [...raw.slice(consumed)][0].length;
      assert.strictEqual(await f.tell(), Buffer.byteLength(raw.slice(0, consumed)), `newline ${JSON.stringify(newline)} after ${consumed}`);
    }
    await f.close();
  }
});

test('seek(tell()) then write lands exactly at the logical position, even after a held-back \\r (CPython B)', async () => {
  const raw = 'ab\rcd\r\né😀f';
  for (const newline of [undefined, '']) {
    for (let k = 0; k <= 7; k++) {
      const p = fileWith(raw);
      const f = await open(p, 'r+', { newline, bufferSize: 3 });
      const head = await f.read(k);
      const at = await f.tell();
      assert.strictEqual(await f.seek(at), at);
      await f.write('X');
      await f.close();
      const bytes = Buffer.from(raw);
      bytes[at] = 0x58; // the write replaced exactly the byte at the cookie
      const valid = at === bytes.length || (bytes[at] & 0xc0) !== 0x80;
      assert.ok(valid, 'the cookie is a character boundary');
      const expected = Buffer.concat([Buffer.from(raw).subarray(0, at), Buffer.from('X'), Buffer.from(raw).subarray(at + 1)]);
      assert.deepStrictEqual(fs.readFileSync(p), expected, `newline ${JSON.stringify(newline)}, read ${JSON.stringify(head)}`);
    }
  }
});

test('write after read (no seek, even with a flush between) writes at the logical position (CPython A)', async () => {
  for (const flush of [false, true]) {
    const p = fileWith('0123456789'.repeat(100));
    const f = await open(p, 'r+', { bufferSize: 64 });
    assert.strictEqual(await f.read(3), '012');
    if (flush) await f.flush();
    await f.write('X');
    assert.strictEqual(await f.tell(), 4);
    assert.strictEqual(await f.read(2), '45');
    await f.close();
    assert.strictEqual(fs.readFileSync(p, 'utf8').slice(0, 7), '012X456');
  }
});

test('truncate() after read cuts at the logical position and keeps it (CPython A, bpo-26158)', async () => {
  const p = fileWith('abcdefghij'.repeat(50));
  const f = await open(p, 'r+', { bufferSize: 16 });
  assert.strictEqual(await f.read(5), 'abcde');
  assert.strictEqual(await f.truncate(), 5);
  assert.strictEqual(await f.tell(), 5);
  assert.strictEqual(await f.read(), '');
  await f.close();
  assert.strictEqual(fs.readFileSync(p, 'utf8'), 'abcde');
});

test('read right after write sees the write and the write is not misplaced (CPython D)', async () => {
  const p = fileWith('abcdef\nghi\n');
  const f = await open(p, 'r+', { bufferSize: 4 });
  await f.write('XY');
  assert.strictEqual(await f.readline(), 'cdef\n');
  await f.write('Z');
  assert.strictEqual(await f.read(1), 'h');
  await f.close();
  assert.strictEqual(fs.readFileSync(p, 'utf8'), 'XYcdef\nZhi\n');
});

test('append modes: tell() after a write is the end of the file (CPython C)', async () => {
  const p = fileWith('héllo\n');
  const f = await open(p, 'a+');
  await f.write('wörld\n'); // newline undefined: '\n' is written as os.EOL
  assert.strictEqual(await f.tell(), Buffer.byteLength(`héllo\nwörld${os.EOL}`));
  await f.seek(0);
  assert.strictEqual(await f.readline(), 'héllo\n');
  await f.write('!');
  assert.strictEqual(await f.tell(), Buffer.byteLength(`héllo\nwörld${os.EOL}!`));
  await f.close();
});

test("errors 'strict': the read reaching invalid bytes rejects, earlier text reads fine, the position stays", async () => {
  const f = await open(fileWith(Buffer.concat([Buffer.from('ok €'), Buffer.from([0xff]), Buffer.from('z')])), 'r', { bufferSize: 2 });
  assert.strictEqual(await f.read(4), 'ok €');
  await rejectsWith(f.read(1), { code: 'ERR_ENCODING_INVALID_ENCODED_DATA', name: 'TypeError', position: 6 });
  assert.strictEqual(await f.tell(), 6);
  await rejectsWith(f.readline(), { code: 'ERR_ENCODING_INVALID_ENCODED_DATA' });
  await f.close();
  const g = await open(fileWith(Buffer.from([0x61, 0xe2, 0x82])), 'r');
  await rejectsWith(g.read(), { code: 'ERR_ENCODING_INVALID_ENCODED_DATA', position: 1 });
  await g.close();
});

test("errors 'replace' and 'ignore' decode like Python; tell() stays exact around replaced bytes", async () => {
  const bytes = Buffer.from([0x61, 0xe2, 0x82, 0x62, 0xff, 0x63]);
  const r = await open(fileWith(bytes), 'r', { errors: 'replace', bufferSize: 1 });
  assert.strictEqual(await r.read(2), 'a\ufffd');
  assert.strictEqual(await r.tell(), 3);
  assert.strictEqual(await r.read(), 'b\ufffdc');
  await r.close();
  const i = await open(fileWith(bytes), 'r', { errors: 'ignore' });
  assert.strictEqual(await i.read(), 'abc');
  await i.seek(0);
  assert.strictEqual(await i.read(2), 'ab');
  assert.strictEqual(await i.tell(), 4);
  await i.close();
});

test('unencodable characters: strict rejects and writes nothing, replace writes ?', async () => {
  const p = tmpPath();
  const f = await open(p, 'w', { encoding: 'latin-1' });
  await rejectsWith(f.write('ok€'), { code: 'ERR_INVALID_ARG_VALUE', name: 'TypeError' });
  assert.strictEqual(await f.write('é'), 1);
  await f.close();
  assert.deepStrictEqual(fs.readFileSync(p), Buffer.from([0xe9]));
  const q = tmpPath();
  const g = await open(q, 'w', { encoding: 'ascii', errors: 'replace' });
  assert.strictEqual(await g.write('a😀b'), 3);
  await g.close();
  assert.strictEqual(fs.readFileSync(q, 'latin1'), 'a?b');
});

test('encodings by any Python/Node/WHATWG spelling; unsupported ones reject before the file is touched', async () => {
  const p = fileWith(Buffer.from([0x80, 0xe9]));
  for (const [encoding, text] of [['Latin_1', '\u0080é'], ['ISO-8859-1', '\u0080é'], ['windows-1252', '€é'], ['cp1252', '€é']]) {
    const f = await open(p, 'r', { encoding });
    assert.strictEqual(await f.read(), text, encoding);
    await f.close();
  }
  const missing = tmpPath();
  await rejectsWith(open(missing, 'w', { encoding: 'shift_jis' }), { code: 'ERR_INVALID_ARG_VALUE' });
  await rejectsWith(open(missing, 'w', { encoding: 'nonsense' }), { code: 'ERR_INVALID_ARG_VALUE' });
  assert.strictEqual(fs.existsSync(missing), false);
});

test('text seek: only 0, tell() cookies, seek(0, 1) and seek(0, 2); anything else rejects', async () => {
  const f = await open(fileWith('héllo'), 'r');
  await f.read(2);
  assert.strictEqual(await f.seek(0, 1), 3);
  assert.strictEqual(await f.read(1), 'l');
  assert.strictEqual(await f.seek(0, 2), 6);
  await rejectsWith(f.seek(1, 1), { code: 'ERR_INVALID_ARG_VALUE', name: 'TypeError' });
  await rejectsWith(f.seek(-1, 2), { code: 'ERR_INVALID_ARG_VALUE' });
  await rejectsWith(f.seek(-1), { code: 'ERR_OUT_OF_RANGE', name: 'RangeError' });
  await rejectsWith(f.seek(0, 3), { code: 'ERR_INVALID_ARG_VALUE' });
  assert.strictEqual(await f.tell(), 6, 'a rejected seek does not move');
  await f.close();
});

test('reading a write-only text file or writing a read-only one rejects with EBADF, even for 0 characters', async () => {
  const w = await open(tmpPath(), 'w');
  await rejectsWith(w.read(0), { code: 'EBADF' });
  await rejectsWith(w.readline(), { code: 'EBADF' });
  await w.close();
  const r = await open(fileWith('x'), 'r');
  await rejectsWith(r.write(''), { code: 'EBADF' });
  await rejectsWith(r.truncate(), { code: 'EBADF' });
  await r.close();
});

test('utf-16le and utf-16be files round-trip with newline translation', async () => {
  for (const encoding of ['utf-16le', 'utf-16be']) {
    const p = tmpPath();
    const f = await open(p, 'w+', { encoding, newline: '\r\n', bufferSize: 3 });
    await f.write('a😀\nb');
    await f.seek(0);
    assert.deepStrictEqual(await f.readlines(), ['a😀\r\n', 'b']);
    await f.close();
    const le = Buffer.from('a😀\r\nb', 'utf16le');
    assert.deepStrictEqual(fs.readFileSync(p), encoding === 'utf-16le' ? le : Buffer.from(le).swap16());
  }
});

test("'utf-16' and 'utf-8-sig' read the byte order mark and write one at the start, like Python", async () => {
  const p = tmpPath();
  const w = await open(p, 'w', { encoding: 'UTF-16' });
  await w.write('a');
  await w.write('b');
  await w.close();
  assert.deepStrictEqual(fs.readFileSync(p), Buffer.from('fffe61006200', 'hex'));
  const a = await open(p, 'a', { encoding: 'utf-16' });
  await a.write('c');
  await a.close();
  assert.deepStrictEqual(fs.readFileSync(p), Buffer.from('fffe610062006300', 'hex'), 'no mark in the middle');

  const be = fileWith(Buffer.from('feff00610062', 'hex'));
  const r = await open(be, 'r+', { encoding: 'utf-16', bufferSize: 1 });
  assert.strictEqual(await r.read(1), 'a');
  assert.strictEqual(await r.tell(), 4);
  await r.seek(0, 2);
  await r.write('c');
  await r.seek(0);
  assert.strictEqual(await r.read(), 'abc', 'big-endian throughout, where CPython would append little-endian');
  await r.close();

  const sig = fileWith(Buffer.from('efbbbf78c3a9', 'hex'));
  const s = await open(sig, 'r+', { encoding: 'utf-8-sig' });
  assert.strictEqual(await s.read(), 'xé');
  await s.seek(0);
  await s.write('y');
  await s.close();
  assert.deepStrictEqual(fs.readFileSync(sig), Buffer.from('efbbbf79c3a9', 'hex'));
  const plain = await open(fileWith('no mark'), 'r', { encoding: 'utf-8-sig', bufferSize: 1 });
  assert.strictEqual(await plain.read(), 'no mark');
  await plain.close();
});

test("'utf-16' seeking to a cookie in a fresh file object still uses the file's byte order", async () => {
  const p = fileWith(Buffer.from('feff0061006200630064', 'hex'));
  const f = await open(p, 'r', { encoding: 'utf-16' });
  await f.read(2);
  const cookie = await f.tell();
  await f.close();
  const g = await open(p, 'r', { encoding: 'utf-16' });
  await g.seek(cookie);
  assert.strictEqual(await g.read(), 'cd');
  await g.close();
});

test('text mode on a pipe: lines decode across reads, and tell() rejects with ESPIPE', { skip: process.platform === 'win32' && 'needs mkfifo' }, async () => {
  const { execFileSync, spawn } = require('node:child_process');
  const fifo = tmpPath('fifo');
  execFileSync('mkfifo', [fifo]);
  const writer = spawn('sh', ['-c', `printf 'a\\r\\nb\\342\\202\\254\\n' > "${fifo}"`]);
  const exited = new Promise((resolve) => writer.on('exit', resolve));
  const f = await open(fifo, 'r', { bufferSize: 2 });
  assert.deepStrictEqual(await f.readlines(), ['a\n', 'b€\n']);
  await rejectsWith(f.tell(), { code: 'ESPIPE' });
  await f.close();
  assert.strictEqual(await exited, 0);
});

test('text mode checks arguments at the public edge: integers only, non-strings refused, the file untouched', async () => {
  const p = fileWith('abc');
  const f = await open(p, 'r+');
  await assert.rejects(f.read(1.5), { code: 'ERR_OUT_OF_RANGE' });
  await assert.rejects(f.readline(NaN), { code: 'ERR_OUT_OF_RANGE' });
  await assert.rejects(f.read('2'), { code: 'ERR_INVALID_ARG_TYPE' });
  await assert.rejects(f.write(Buffer.from('x')), { code: 'ERR_INVALID_ARG_TYPE' });
  await assert.rejects(f.truncate(-1), { code: 'ERR_OUT_OF_RANGE' });
  await assert.rejects(f.seek(3, 1), { code: 'ERR_INVALID_ARG_VALUE' }, 'text mode seeks only to cookies');
  assert.strictEqual(await f.read(), 'abc', 'no refused call moved the position');
  await f.close();
  assert.strictEqual(fs.readFileSync(p, 'utf8'), 'abc');
});
