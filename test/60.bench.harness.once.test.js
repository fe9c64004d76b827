'use strict';
// Covers: the native pass's backend (native pass only), every platform (the run case skipped under Wine); what: the bench command end to end, tiny sizes.
// The benchmark command end to end, with tiny sizes: it must produce verified results for
// every case it ran and valid JSON/SVG files. (Speed is never asserted here.)
const test = require('node:test');
const assert = require('node:assert');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
const cli = path.join(root, 'dist', 'cli.js');

function run(args) {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd: root, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? err.code : 0, stdout, stderr });
    });
  });
}

const wineSkip = process.env.AYAFILEIO_WINE === '1' ? "Wine: node:fs's concurrent appends lose records there (114-119 of 120), so the node-fs contender fails verification" : false;
test('bench --tiny runs crawlee-append and randread with verified results and valid JSON', { skip: wineSkip }, async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-bench-test-'));
  const json = path.join(tmp, 'out', 'results.json');
  const svg = path.join(tmp, 'chart.svg');
  const md = path.join(tmp, 'tables.md');
  const { code, stdout, stderr } = await run([
    'bench', '--tiny', '--dir', path.join(tmp, 'work'), '--only', 'crawlee-append,randread/readAtInto',
    '--contenders', 'node-fs,ayafileio', '--json', json, '--svg', svg, '--markdown', md,
  ]);
  assert.strictEqual(code, 0, `exit code ${code}\n${stderr}\n${stdout}`);
  const results = JSON.parse(fs.readFileSync(json, 'utf8'));
  assert.deepStrictEqual(
    results.cases.map((c) => c.id),
    ['crawlee-append/buffered', 'crawlee-append/flush-per-write', 'crawlee-append/flush-per-write/w4', 'randread/readAtInto/qd1', 'randread/readAtInto/qd32'],
  );
  const available = results.contenders.filter((c) => c.available).map((c) => c.id);
  assert.ok(available.includes('node-fs'));
  for (const kase of results.cases) {
    for (const id of available) {
      const r = kase.results[id];
      assert.strictEqual(r.status, 'ok', `${kase.id} ${id}: ${r.status} ${r.message || ''}`);
      assert.strictEqual(r.verified, true);
      assert.strictEqual(r.rates.length, results.sizes.rounds);
      assert.ok(r.rate > 0 && Number.isFinite(r.rate));
      assert.ok(r.samples > 0 && r.p50Us > 0 && r.p99Us >= r.p50Us);
      assert.ok(r.jitterPct >= 0);
    }
    assert.strictEqual(kase.results['node-fs'].ratio, 1);
  }
  assert.match(stdout, /randread\/readAtInto\/qd32\s+node:fs\/promises/);
  assert.match(stdout, /\nAgainst the goals of issue 17 \(ayafileio, limits and peers of this run\):\n {2}(yes|NO ) {2}crawlee-append flush-per-write, 50 and 10 writers: p99 [^\n]*crawlee-append\/flush-per-write\/w4 /);
  assert.match(fs.readFileSync(md, 'utf8'), /^\| case \| unit \|[^]*\n\nAgainst the goals of issue 17 [^\n]*\n\n\| goal \(issue 17\) \|/);
  const chart = fs.readFileSync(svg, 'utf8');
  assert.match(chart, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(chart, /<\/svg>\n$/);
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('bench rejects unknown options, missing values and unknown case names', async () => {
  const bad = await run(['bench', '--tiny', '--frobnicate']);
  assert.strictEqual(bad.code, 2);
  assert.match(bad.stderr, /Unknown option '--frobnicate'/);
  const missing = await run(['bench', '--tiny', '--only']);
  assert.strictEqual(missing.code, 2);
  assert.match(missing.stderr, /Option '--only <value>' argument missing/);
  const stray = await run(['bench', '--tiny', 'randread']);
  assert.strictEqual(stray.code, 2);
  assert.match(stray.stderr, /Unexpected argument 'randread'/);
  const nosuch = await run(['bench', '--tiny', '--only', 'nosuch', '--dir', os.tmpdir()]);
  assert.notStrictEqual(nosuch.code, 0);
  assert.match(nosuch.stderr, /--only nosuch matches no case/);
});

test('parseBenchArgs: flags, repeated and comma-separated lists', () => {
  const { parseBenchArgs } = require('./_lib/internals.js').cli;
  assert.deepStrictEqual(parseBenchArgs(['--quick', '--only', 'randread,seqread', '--only', 'crawlee-files', '--json', 'r.json']), {
    profile: 'quick',
    only: ['randread', 'seqread', 'crawlee-files'],
    json: 'r.json',
  });
  assert.deepStrictEqual(parseBenchArgs([]), { profile: 'full' });
  assert.deepStrictEqual(parseBenchArgs(['--tiny', '--quick']), { profile: 'quick' }, 'the last profile flag wins');
  assert.deepStrictEqual(parseBenchArgs(['--dir=/tmp/x', '--contenders', 'node-fs,', '--readme', 'a.md,b.md']), {
    profile: 'full',
    dir: '/tmp/x',
    contenders: ['node-fs'],
    readme: ['a.md', 'b.md'],
  });
});

test('ayafileio --version prints the package version; unknown flags and stray arguments are usage errors (exit 2)', async () => {
  const pkg = require('../package.json');
  for (const flag of ['--version', '-v']) {
    const r = await run([flag]);
    assert.deepStrictEqual([r.code, r.stdout], [0, `${pkg.version}\n`], flag);
  }
  const help = await run(['--help']);
  assert.strictEqual(help.code, 0);
  assert.match(help.stdout, /^usage:\n/);
  for (const args of [['--frobnicate'], ['info', '--verbose'], ['info', 'extra'], ['--version', 'extra'], ['nosuch'], []]) {
    const r = await run(args);
    assert.strictEqual(r.code, 2, `${args.join(' ')}: exit ${r.code}`);
    assert.match(r.stderr, /^ayafileio: .+\n\nusage:/, args.join(' '));
    assert.strictEqual(r.stdout, '');
  }
});

test('ayafileio info prints getBackendInfo() of a fresh process as JSON', async () => {
  const { code, stdout } = await run(['info']);
  assert.strictEqual(code, 0);
  const info = JSON.parse(stdout);
  assert.strictEqual(info.backend, require('../dist/index.js').getBackendInfo().backend);
  assert.strictEqual(info.platform, require('../dist/index.js').getBackendInfo().platform);
  assert.strictEqual(typeof info.isTrulyAsync, 'boolean');
});
