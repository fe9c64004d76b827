#!/usr/bin/env node
// Micro-benchmark of the engine alone (guides tuning; not part of the test suite): 4 KiB
// reads at random 4 KiB-aligned offsets of a warm 64 MiB file, each reader reading into its
// own buffer, at a fixed number in flight; getBackend().read vs node:fs/promises
// FileHandle.read, alternating rounds, median ops/s.
//
//   node bench/engine-randread.js [--rounds 5] [--seconds 1] [--qd 1,32,128,1024]
'use strict';
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');
const { getBackend, getBackendInfo } = require('../dist/engine/index.js');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const ROUNDS = Number(opt('rounds', 5));
const SECONDS = Number(opt('seconds', 1));
const DEPTHS = opt('qd', '1,32,128,1024').split(',').map(Number);
const FILE_SIZE = 64 * 1024 * 1024;
const BLOCK = 4096;
const BLOCKS = FILE_SIZE / BLOCK;

/** A 64 MiB file, read once so it is in the page cache. */
function makeWarmFile() {
  const file = path.join(os.tmpdir(), 'ayafileio-bench-randread.dat');
  if (!fs.existsSync(file) || fs.statSync(file).size !== FILE_SIZE) {
    const chunk = Buffer.alloc(1 << 20, 0x5a);
    const fd = fs.openSync(file, 'w');
    for (let i = 0; i < FILE_SIZE / chunk.length; i++) fs.writeSync(fd, chunk);
    fs.closeSync(fd);
  }
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(1 << 20);
  while (fs.readSync(fd, buf, 0, buf.length, null) > 0);
  fs.closeSync(fd);
  return file;
}

/** Run `depth` readers calling `readOnce(buf, pos)` until the deadline; ops per second. */
async function measure(depth, readOnce) {
  let ops = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const reader = async () => {
    const buf = Buffer.allocUnsafeSlow(BLOCK);
    while (performance.now() < deadline) {
      for (let i = 0; i < 64; i++) {
        const n = await readOnce(buf, Math.floor(Math.random() * BLOCKS) * BLOCK);
        if (n !== BLOCK) throw new Error(`short read: ${n}`);
      }
      ops += 64;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: depth }, reader));
  return ops / ((performance.now() - start) / 1000);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const file = makeWarmFile();
  const backend = getBackend();
  const info = getBackendInfo();
  console.log(`backend: ${info.backend}${info.ring ? ` (${info.ring.flags.join('|')})` : ''}${info.reason ? ` — ${info.reason}` : ''}`);
  const fd = await backend.open(file, fs.constants.O_RDONLY, 0);
  if (fd < 0) throw new Error(`open failed: ${fd}`);
  const fh = await fsp.open(file, 'r');
  const engineRead = (buf, pos) => backend.read(fd, buf, 0, BLOCK, pos);
  const nodeRead = async (buf, pos) => (await fh.read(buf, 0, BLOCK, pos)).bytesRead;
  console.log('QD      engine ops/s    node ops/s   ratio');
  for (const depth of DEPTHS) {
    const ours = [];
    const theirs = [];
    for (let r = 0; r < ROUNDS; r++) {
      ours.push(await measure(depth, engineRead));
      theirs.push(await measure(depth, nodeRead));
    }
    const a = median(ours);
    const b = median(theirs);
    console.log(`${String(depth).padEnd(6)}${a.toFixed(0).padStart(13)}${b.toFixed(0).padStart(14)}${(a / b).toFixed(1).padStart(8)}x`);
  }
  await fh.close();
  await backend.close(fd);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
