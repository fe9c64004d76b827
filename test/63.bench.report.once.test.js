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

test('targets table: met and unmet targets of issue 6 for ayafileio', () => {
  const results = fakeResults();
  let table = report.targetsTable(results);
  assert.match(table, /\| randread at 1 in flight: >= 10x node:fs \| randread\/readAt\/qd1 10\.0x \| yes \|/);
  assert.match(table, /\| no case slower than node:fs \| all cases \| yes \|/);
  assert.doesNotMatch(table, /crawlee/, 'targets without a measured case are left out');
  results.cases[0].results.ayafileio.ratio = 0.5;
  table = report.targetsTable(results);
  assert.match(table, /\| randread at 1 in flight: >= 10x node:fs \| randread\/readAt\/qd1 0\.50x \| \*\*no\*\* \|/);
  assert.match(table, /\| no case slower than node:fs \| randread\/readAt\/qd1 0\.50x \| \*\*no\*\* \|/);
});
