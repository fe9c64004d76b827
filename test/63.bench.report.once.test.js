'use strict';
// Covers: no backend: reports (native pass only), every platform; what: the bench's Markdown tables, SVG chart and README section.
// What the bench writes for people: Markdown tables, the SVG chart and the README section.
const test = require('node:test');
const assert = require('node:assert');
const report = require('../bench/lib/report.js');

function fakeResults() {
  const ok = (rate, ratio) => ({ status: 'ok', verified: true, rate, rates: [rate], p50Us: 10, p99Us: 40, jitterPct: 30, cpuUsPerOp: 5, ratio, p99Ratio: 1 });
  return {
    date: '2026-11-26T10:00:00.000Z',
    command: 'ayafileio bench --quick',
    profile: 'quick',
    elapsedSeconds: 12.5,
    machine: { cpu: 'Test CPU', cpus: 2, memoryGiB: 4, os: 'Linux 6.18', node: 'v20.0.0', dirFs: 'ext4', loadAverage: { before: [0.5], after: [0.7] } },
    baseline: 'node-fs',
    contenders: [
      { id: 'node-fs', label: 'node:fs/promises', available: true },
      { id: 'ayafileio', label: 'ayafileio (io_uring)', available: true },
      { id: 'broken', label: 'broken', available: true },
      { id: 'bun', label: 'Bun', available: false, reason: 'bun is not on PATH' },
    ],
    cases: [
      {
        id: 'randread/readAt/qd1',
        unit: 'ops/s',
        results: {
          'node-fs': ok(20000, 1),
          ayafileio: ok(200000, 10),
          broken: { status: 'verification-failed', message: '3 of 9 reads returned wrong bytes' },
          bun: { status: 'unavailable' },
        },
      },
    ],
  };
}

test('Markdown: baseline absolute, others as ratios, wrong data never as a number', () => {
  const md = report.markdownTables(fakeResults());
  assert.match(md, /\| case \| unit \| node:fs\/promises \| ayafileio \(io_uring\) \| broken \|/);
  assert.match(md, /\| randread\/readAt\/qd1 \| ops\/s \| 20k \| 10\.0x \(200k\) \| wrong data \|/);
  assert.doesNotMatch(md, /Bun/);
});

test('SVG chart: one bar per non-baseline result with a ratio, failures named', () => {
  const svg = report.svgChart(fakeResults());
  assert.match(svg, /^<svg [^>]*width="960"/);
  assert.strictEqual((svg.match(/<rect x="[\d.]+" y="\d+" width="[\d.]+" height="9"/g) || []).length, 1);
  assert.match(svg, />10\.0x</);
  assert.match(svg, />verification-failed</);
});

test('results section replaces only the text between the markers, or is appended', () => {
  const section = report.resultsSection(fakeResults(), 'docs/bench-chart.svg');
  assert.match(section, /Measured 2026-11-26 10:00 UTC on 2 x Test CPU/);
  assert.match(section, /```sh\nnpx ayafileio bench --quick\n```/);
  assert.match(section, /!\[throughput relative to node:fs\/promises\]\(docs\/bench-chart\.svg\)/);
  const before = 'intro\n<!-- bench:results -->\nold table\n<!-- /bench:results -->\nafter\n';
  const replaced = report.replaceResultsSection(before, 'NEW');
  assert.strictEqual(replaced, 'intro\n<!-- bench:results -->\nNEW\n<!-- /bench:results -->\nafter\n');
  assert.strictEqual(report.replaceResultsSection('no markers\n', 'NEW'), 'no markers\n\n<!-- bench:results -->\nNEW\n<!-- /bench:results -->\n');
});

/** A run with the cases and lines issue 17's goals read. */
function goalResults() {
  const ok = (rate, ratio, more) => ({ status: 'ok', verified: true, rate, rates: [rate], p50Us: 10, p99Us: 40, jitterPct: 20, ratio, p99Ratio: 12, ...more });
  const ref = (rate) => ({ status: 'reference', verified: false, rate, rates: [rate], ratio: rate / 50000 });
  const results = fakeResults();
  results.contenders.push({ id: 'deno', label: 'Deno', available: true }, { id: 'fio-percore', label: 'fio per core', available: true, reference: true });
  results.cases = [
    { id: 'randread/readAtInto/qd128', unit: 'ops/s', results: { 'node-fs': ok(50000, 1), ayafileio: ok(900000, 18), deno: ok(25000, 0.5), 'fio-percore': ref(1000000) } },
    { id: 'randread/readAtInto/qd1024', unit: 'ops/s', results: { 'node-fs': ok(50000, 1), ayafileio: ok(700000, 14), deno: ok(25000, 0.5), 'fio-percore': ref(1000000) } },
    { id: 'crawlee-append/flush-per-write', unit: 'items/s', results: { 'node-fs': ok(40000, 1), ayafileio: ok(160000, 4), deno: ok(80000, 2) } },
    { id: 'crawlee-append/flush-per-write/w10', unit: 'items/s', results: { 'node-fs': ok(40000, 1), ayafileio: ok(160000, 4, { jitterPct: 90 }), deno: ok(80000, 2) } },
    { id: 'durable-append/qd16', unit: 'ops/s', results: { 'node-fs': ok(5000, 1), ayafileio: ok(7000, 1.4), deno: ok(8500, 1.7) } },
  ];
  return results;
}

test('goals table: each goal of issue 17 against the limit or peer of the same run', () => {
  const table = report.goalsTable(goalResults());
  assert.match(table, /^\| goal \(issue 17\) \| measured in this run \| met \|\n/);
  assert.match(
    table,
    /\| randread readAtInto, 128 and 1,024 in flight: >= 0\.8x fio with one ring per core \| randread\/readAtInto\/qd128 0\.90x of fio-percore \(900k vs 1\.00M\); randread\/readAtInto\/qd1024 0\.70x of fio-percore \(700k vs 1\.00M\) \| \*\*no\*\* \|/,
  );
  assert.doesNotMatch(table, /randread readAt,/, 'goals without a measured case are left out');
  assert.match(table, /\| crawlee-append flush-per-write, 50 and 10 writers: jitter < 25% \| crawlee-append\/flush-per-write 20%; crawlee-append\/flush-per-write\/w10 90% \| \*\*no\*\* \|/);
  assert.match(table, /\| crawlee-append flush-per-write, 50 and 10 writers: p99 >= 10x lower than node:fs \| [^|]* \| yes \|/);
  assert.match(table, /\| durable-append: at least the best peer \(node-uring, bun, deno\) \| durable-append\/qd16 1\.40x vs deno 1\.70x \| \*\*no\*\* \|/);
  assert.match(table, /\| no case below node:fs \| all 5 cases meet it \| yes \|/);
  assert.match(table, /\| no case behind a peer \(node-uring, bun, deno\) \| durable-append\/qd16 1\.40x vs deno 1\.70x \| \*\*no\*\* \|/);
});

test('goals: a missing limit or peer is "not measured", a failed ayafileio case a miss', () => {
  const results = goalResults();
  for (const kase of results.cases) {
    delete kase.results.deno;
    delete kase.results['fio-percore'];
  }
  results.cases[2].results.ayafileio = { status: 'verification-failed', message: 'record 3 twice' };
  const table = report.goalsTable(results);
  assert.match(table, /\| randread readAtInto[^|]* \| fio-percore did not run \(2 cases\) \| not measured \|/);
  assert.match(table, /\| durable-append: at least the best peer[^|]* \| durable-append\/qd16: no peer ran \| not measured \|/);
  assert.match(table, /\| no case behind a peer[^|]* \| crawlee-append\/flush-per-write verification-failed; no peer ran \(4 cases\) \| \*\*no\*\* \|/);
  assert.match(table, /\| [^|]*>= 3x node:fs items\/s \| crawlee-append\/flush-per-write verification-failed; crawlee-append\/flush-per-write\/w10 4\.00x \| \*\*no\*\* \|/, 'in case order');
  assert.match(table, /\| no case below node:fs \| crawlee-append\/flush-per-write verification-failed \| \*\*no\*\* \|/);
  const text = report.goalsText(results);
  assert.match(text, /^Against the goals of issue 17 \(ayafileio, limits and peers of this run\):\n/);
  assert.match(text, /\n {2}NO {3}no case below node:fs: crawlee-append\/flush-per-write verification-failed\n/);
  assert.match(text, /\n {2}- {4}durable-append: at least the best peer/);
  assert.strictEqual(report.goalsText({ ...results, cases: [] }), '', 'no goal row: no text');
});

test('results section carries the goals table', () => {
  const section = report.resultsSection(goalResults(), null);
  assert.match(section, /Against the goals of issue 17 \(ayafileio on its native backend; fio-percore: fio io_uring with one ring per core, run after the others\):\n\n\| goal \(issue 17\)/);
  assert.doesNotMatch(section, /issue 6/);
});

test('text table: the fio note only when a reference line has a row', () => {
  const results = goalResults();
  assert.match(report.textTable(results), /\n\* fio: a reference limit/);
  for (const kase of results.cases) delete kase.results['fio-percore'];
  assert.doesNotMatch(report.textTable(results), /\* fio/, 'fio-percore chosen but no read case ran');
});
