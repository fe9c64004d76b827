'use strict';
// Deterministic test data and its checks. Every process (main, worker, Bun/Deno child)
// regenerates the same bytes from the same seeds, so any contender's output can be verified
// without shipping expected data around.
//
// The block file: 4 KiB blocks; block b starts with b (u32 LE), ends with tailOf(b), and the
// bytes between come from a 1 MiB pseudo-random template. A read from the wrong offset, a
// short read or a stale buffer fails the header check.

const fs = require('node:fs');
const { Buffer } = require('node:buffer');

const BLOCK = 4096;
const MIB = 1024 * 1024;
const TEMPLATE_BLOCKS = MIB / BLOCK;

/** mulberry32: a tiny seeded PRNG (fast, good enough for data and positions). */
function prng(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

let template;
/** The 1 MiB of pseudo-random bytes every block's body is cut from. */
function blockTemplate() {
  if (!template) {
    template = Buffer.allocUnsafe(MIB);
    const next = prng(0x5eed);
    for (let i = 0; i < MIB; i += 4) template.writeUInt32LE(next(), i);
  }
  return template;
}

function tailOf(block) {
  return (block ^ 0x5bd1e995) >>> 0;
}

/** Fill `buf[off..off+BLOCK)` with block `block`'s bytes. */
function stampBlock(buf, off, block) {
  const t = blockTemplate();
  const src = (block % TEMPLATE_BLOCKS) * BLOCK;
  t.copy(buf, off, src, src + BLOCK);
  buf.writeUInt32LE(block >>> 0, off);
  buf.writeUInt32LE(tailOf(block), off + BLOCK - 4);
}

/** Cheap check (two words) that `buf[off..]` holds block `block`. */
function blockHeaderOk(buf, off, block) {
  return buf.readUInt32LE(off) === block >>> 0 && buf.readUInt32LE(off + BLOCK - 4) === tailOf(block);
}

/** Full byte-for-byte check that `buf[off..off+BLOCK)` holds block `block`. */
function blockBytesOk(buf, off, block) {
  if (!blockHeaderOk(buf, off, block)) return false;
  const src = (block % TEMPLATE_BLOCKS) * BLOCK;
  return blockTemplate().compare(buf, off + 4, off + BLOCK - 4, src + 4, src + BLOCK - 4) === 0;
}

/** Check every block header of a chunk read from file offset `pos`; returns false on any mismatch. */
function chunkOk(buf, len, pos) {
  if (len % BLOCK !== 0) return false;
  const first = pos / BLOCK;
  for (let off = 0; off < len; off += BLOCK) if (!blockHeaderOk(buf, off, first + off / BLOCK)) return false;
  return true;
}

/**
 * Make sure `file` is a block file of `bytes` bytes, writing it only when it is missing or
 * wrong (a warm directory is reused: docs/performance.md, Method), then read it all once to
 * warm the page cache while checking every block. Returns 'reused' or 'written'.
 */
function ensureBlockFile(file, bytes) {
  if (!blockFileIntact(file, bytes)) {
    writeBlockFile(file, bytes);
    if (!blockFileIntact(file, bytes)) throw new Error(`block file ${file} does not read back correctly`);
    return 'written';
  }
  return 'reused';
}

function writeBlockFile(file, bytes) {
  const fd = fs.openSync(file, 'w');
  try {
    const chunk = Buffer.allocUnsafe(MIB);
    for (let pos = 0; pos < bytes; pos += MIB) {
      const len = Math.min(MIB, bytes - pos);
      for (let off = 0; off < len; off += BLOCK) stampBlock(chunk, off, (pos + off) / BLOCK);
      fs.writeSync(fd, chunk, 0, len, pos);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads the whole file (warming the cache) and checks every block's header and size. */
function blockFileIntact(file, bytes) {
  let fd;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return false;
  }
  try {
    if (fs.fstatSync(fd).size !== bytes) return false;
    const chunk = Buffer.allocUnsafe(MIB);
    for (let pos = 0; pos < bytes; pos += MIB) {
      const n = fs.readSync(fd, chunk, 0, Math.min(MIB, bytes - pos), pos);
      if (!chunkOk(chunk, n, pos)) return false;
    }
    return true;
  } finally {
    fs.closeSync(fd);
  }
}

/** `count` block indices in [0, blocks), the same sequence in every process. */
function randomBlocks(count, blocks, seed = 0xb10c) {
  const next = prng(seed);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = next() % blocks;
  return out;
}

const DATA_HEX_CHARS = 824;
/** Stands in for the round's nonce while a record is serialised once (hex data cannot contain it). */
const NONCE_MARK = '<nonce>';
/** Per record index: its JSON line split around the nonce, built once per process. */
const recordHalves = [];

function recordHalvesOf(i) {
  if (recordHalves[i] !== undefined) return recordHalves[i];
  const next = prng(0xc0ffee + i);
  let data = '';
  while (data.length < DATA_HEX_CHARS) data += next().toString(16).padStart(8, '0');
  const id = String(i + 1).padStart(9, '0');
  const record = {
    url: `https://shop.example.com/products/${id}`,
    title: `Product ${id} round ${NONCE_MARK}`,
    timestamp: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    data: data.slice(0, DATA_HEX_CHARS),
  };
  const halves = (JSON.stringify(record) + '\n').split(NONCE_MARK);
  recordHalves[i] = halves;
  return halves;
}

/**
 * The crawlee record `i` of a round, as its JSON line (~0.95 KB). `nonce` (8 hex chars,
 * new every round) proves the bytes on disk were written by this round, not an earlier one.
 * The nonce-free rest is serialised once per process, so a scenario can make each line at
 * the moment it writes it, as a crawler does, for ~0.1 µs.
 */
function recordLine(i, nonce) {
  const [head, tail] = recordHalvesOf(i);
  return head + nonce + tail;
}

const RECORD_ID = /^\{"url":"https:\/\/shop\.example\.com\/products\/(\d{9})"/;

/** The index of the record `line` claims to be (from its url), or -1. */
function recordIndexOf(line) {
  const m = RECORD_ID.exec(line);
  return m === null ? -1 : Number(m[1]) - 1;
}

/** The file name Crawlee's storage layout gives record `i`. */
function recordFileName(i) {
  return `${String(i + 1).padStart(9, '0')}.json`;
}

module.exports = {
  BLOCK,
  MIB,
  prng,
  stampBlock,
  blockHeaderOk,
  blockBytesOk,
  chunkOk,
  ensureBlockFile,
  randomBlocks,
  recordLine,
  recordIndexOf,
  recordFileName,
};
