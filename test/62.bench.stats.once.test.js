'use strict';
// Covers: no backend: statistics (native pass only), every platform; what: the bench's median, percentiles, jitter.
// The numbers the bench reports: median of rounds, nearest-rank percentiles, jitter (CV).
const test = require('node:test');
const assert = require('node:assert');
const { median, quantile, latencySummary } = require('../bench/lib/stats.js');

test('median of odd and even counts, null when empty', () => {
  assert.strictEqual(median([5, 1, 3]), 3);
  assert.strictEqual(median([4, 1, 3, 2]), 2.5);
  assert.strictEqual(median([]), null);
});

test('quantile uses nearest rank on sorted values', () => {
  const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1);
  assert.strictEqual(quantile(sorted, 0.5), 50);
  assert.strictEqual(quantile(sorted, 0.99), 99);
  assert.strictEqual(quantile(Float64Array.of(7), 0.99), 7);
});

test('latencySummary pools rounds; jitter is the coefficient of variation in %', () => {
  const s = latencySummary([Float64Array.of(10, 30), Float64Array.of(10, 30)]);
  assert.strictEqual(s.samples, 4);
  assert.strictEqual(s.p50Us, 10);
  assert.strictEqual(s.p99Us, 30);
  assert.strictEqual(s.jitterPct, 50); // mean 20, std 10
  assert.strictEqual(latencySummary([]).p99Us, null);
  assert.strictEqual(latencySummary([Float64Array.of(4, 4, 4)]).jitterPct, 0);
});
