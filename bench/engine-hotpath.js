#!/usr/bin/env node
// Fixed workload for measuring the engine's CPU cost per op (load-insensitive, unlike
// ops/s): N 4 KiB reads at random aligned offsets of a warm 64 MiB file, at a fixed number in
// flight, through one path. Prints CPU µs/op (process.cpuUsage, user + system). Run it under
// `valgrind --tool=callgrind` at two N and take the difference / ΔN for instructions per op.
//
//   node bench/engine-hotpath.js <into|readAt|raw|fsp> <qd> <N>
'use strict';
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');
const { open } = require('../dist/index.js');
const { getBackend } = require('../dist/engine/index.js');

const [mode = 'into', qdArg = '1', nArg = '200000'] = process.argv.slice(2);
const QD = Number(qdArg);
const N = Number(nArg);
const FILE_SIZE = 64 * 1024 * 1024;
const BLOCK = 4096;
const BLOCKS = FILE_SIZE / BLOCK;

function warmFile() {
  const file = path.join(os.tmpdir(), 'ayafileio-bench-randread.dat');
  if (!fs.existsSync(file) || fs.statSync(file).size !== FILE_SIZE) {
    fs.writeFileSync(file, Buffer.alloc(FILE_SIZE, 0x5a));
  }
  fs.readFileSync(file);
  return file;
}

/** The read function of `mode`: (buffer, position) → Promise. */
async function reader(file) {
  if (mode === 'fsp') {
    const fh = await fsp.open(file, 'r');
    return { read: (buf, pos) => fh.read(buf, 0, BLOCK, pos), close: () => fh.close() };
  }
  if (mode === 'raw') {
    const fd = fs.openSync(file, 'r');
    const b = getBackend();
    return { read: (buf, pos) => b.read(fd, buf, 0, BLOCK, pos), close: async () => fs.closeSync(fd) };
  }
  const f = await open(file, 'rb');
  if (mode === 'readAt') return { read: (_buf, pos) => f.readAt(pos, BLOCK), close: () => f.close() };
  return { read: (buf, pos) => f.readAtInto(pos, buf), close: () => f.close() };
}

async function main() {
  const r = await reader(warmFile());
  let seed = 12345;
  const nextPos = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return (seed % BLOCKS) * BLOCK;
  };
  let left = N;
  async function worker() {
    const buf = Buffer.alloc(BLOCK);
    while (left > 0) {
      left--;
      await r.read(buf, nextPos());
    }
  }
  const t0 = process.cpuUsage();
  const w0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: QD }, worker));
  const cpu = process.cpuUsage(t0);
  const wall = Number(process.hrtime.bigint() - w0) / 1e3;
  await r.close();
  if (N > 0) {
    const per = (cpu.user + cpu.system) / N;
    console.log(`${mode} qd=${QD} n=${N}: cpu ${per.toFixed(3)} µs/op (user ${(cpu.user / N).toFixed(3)}, sys ${(cpu.system / N).toFixed(3)}), wall ${(wall / N).toFixed(3)} µs/op`);
  }
}
main();
