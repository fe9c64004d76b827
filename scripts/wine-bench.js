#!/usr/bin/env node
// Op-level loops for the Windows backend, meant for Windows Node (under Wine here:
// `scripts/test-wine.sh --node scripts/wine-bench.js`): the IOCP addon through the engine's
// NativeBackend against the node:fs fallback and fs/promises, in alternating rounds so the
// noisy machine hits every contender alike. Prints one JSON line per scenario and depth with
// the median ops/s of the rounds. The bench suite (bench/) owns the real scenarios; this
// exists because they need a platform where the IOCP backend runs.
//
//   randread: 4 KiB reads at random 4 KiB-aligned offsets of a warm 64 MiB file
//   append:   1.1 KB records appended to one O_APPEND fd
//   files:    small JSON-sized files, each open(O_CREAT|O_TRUNC) + write + close (Crawlee-like)
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { getBackend } = require('../dist/engine');
const { FallbackBackend } = require('../dist/engine/fallback');

const ROUNDS = Number(process.env.ROUNDS || 3);
const ROUND_MS = Number(process.env.ROUND_MS || 1500);
const FILE_SIZE = 64 * 1024 * 1024;
const BLOCK = 4096;
const { O_RDONLY, O_WRONLY, O_CREAT, O_TRUNC, O_APPEND } = fs.constants;

/** Run `op` with `depth` in flight until `ms` pass; ops per second. */
async function timed(depth, ms, op) {
  const end = performance.now() + ms;
  let done = 0;
  async function lane(lane) {
    for (let i = 0; performance.now() < end; i++) {
      await op(lane, i);
      done++;
    }
  }
  const t0 = performance.now();
  await Promise.all(Array.from({ length: depth }, (_, l) => lane(l)));
  return (done * 1000) / (performance.now() - t0);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function check(n, what) {
  if (n < 0) throw new Error(`${what} failed: ${n}`);
  return n;
}

/** Each contender: setup() -> { run(depth), teardown() }. */
function randreadContenders(file) {
  const blocks = FILE_SIZE / BLOCK;
  const randomPos = () => Math.floor(Math.random() * blocks) * BLOCK;
  const viaBackend = (backend) => async () => {
    const fd = check(await backend.open(file, O_RDONLY, 0), 'open');
    const bufs = [];
    return {
      run: (depth) => timed(depth, ROUND_MS, (lane) => {
        bufs[lane] ??= Buffer.alloc(BLOCK);
        return backend.read(fd, bufs[lane], 0, BLOCK, randomPos()).then((n) => check(n, 'read'));
      }),
      teardown: () => backend.close(fd),
    };
  };
  return {
    [`ayafileio ${getBackend().kind}`]: viaBackend(getBackend()),
    'node:fs fallback': viaBackend(new FallbackBackend()),
    'fs/promises': async () => {
      const fh = await fs.promises.open(file, 'r');
      const bufs = [];
      return {
        run: (depth) => timed(depth, ROUND_MS, (lane) => {
          bufs[lane] ??= Buffer.alloc(BLOCK);
          return fh.read(bufs[lane], 0, BLOCK, randomPos());
        }),
        teardown: () => fh.close(),
      };
    },
  };
}

function appendContenders(dir) {
  const record = Buffer.from(`${JSON.stringify({ url: 'https://example.com/', data: 'x'.repeat(1024) })}\n`);
  const viaBackend = (backend, name) => async () => {
    const fd = check(await backend.open(path.join(dir, name), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o666), 'open');
    return {
      run: (depth) => timed(depth, ROUND_MS, () => backend.write(fd, record, 0, record.length, -1).then((n) => check(n, 'write'))),
      teardown: () => backend.close(fd),
    };
  };
  return {
    [`ayafileio ${getBackend().kind}`]: viaBackend(getBackend(), 'append-native'),
    'node:fs fallback': viaBackend(new FallbackBackend(), 'append-fallback'),
  };
}

function filesContenders(dir) {
  const item = Buffer.from(JSON.stringify({ url: 'https://example.com/', data: 'x'.repeat(1024) }));
  const viaBackend = (backend, name) => async () => ({
    // Overwrites a fixed set of names: creating fresh files measures the filesystem's
    // inode recycling, not the library (docs/performance.md, Method).
    run: (depth) => timed(depth, ROUND_MS, async (lane, i) => {
      const fd = check(await backend.open(path.join(dir, `${name}-${lane}-${i % 50}.json`), O_WRONLY | O_CREAT | O_TRUNC, 0o666), 'open');
      check(await backend.write(fd, item, 0, item.length, 0), 'write');
      check(await backend.close(fd), 'close');
    }),
    teardown: async () => {},
  });
  return {
    [`ayafileio ${getBackend().kind}`]: viaBackend(getBackend(), 'native'),
    'node:fs fallback': viaBackend(new FallbackBackend(), 'fallback'),
  };
}

async function scenario(name, contenders, depths) {
  const live = {};
  for (const [who, setup] of Object.entries(contenders)) live[who] = await setup();
  for (const depth of depths) {
    const samples = Object.fromEntries(Object.keys(live).map((k) => [k, []]));
    for (let r = 0; r < ROUNDS; r++) {
      for (const who of Object.keys(live)) samples[who].push(await live[who].run(depth));
    }
    const opsPerSec = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, Math.round(median(v))]));
    console.log(JSON.stringify({ scenario: name, depth, rounds: ROUNDS, opsPerSec }));
  }
  for (const c of Object.values(live)) await c.teardown();
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-winbench-'));
  const file = path.join(dir, 'data');
  fs.writeFileSync(file, Buffer.alloc(FILE_SIZE, 7));
  fs.readFileSync(file); // warm the cache
  console.log(JSON.stringify({ node: process.version, platform: process.platform, backend: getBackend().kind }));
  await scenario('randread', randreadContenders(file), [1, 32, 128]);
  await scenario('append', appendContenders(dir), [1, 32]);
  await scenario('files', filesContenders(dir), [1, 50]);
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
