'use strict';
// Summaries of rounds: medians of round rates, percentiles and jitter of per-op latency.

function median(values) {
  if (values.length === 0) return null;
  const s = Float64Array.from(values).sort();
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The q-quantile (0..1) of sorted values, nearest rank. */
function quantile(sorted, q) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * p50, p99 and jitter (coefficient of variation, %) of latencies pooled over rounds (µs).
 * Returns nulls when there are no samples.
 */
function latencySummary(arrays) {
  let n = 0;
  for (const a of arrays) n += a.length;
  const all = new Float64Array(n);
  let at = 0;
  for (const a of arrays) {
    all.set(a, at);
    at += a.length;
  }
  all.sort();
  if (n === 0) return { p50Us: null, p99Us: null, jitterPct: null, samples: 0 };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += all[i];
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (all[i] - mean) ** 2;
  const std = Math.sqrt(sq / n);
  return { p50Us: quantile(all, 0.5), p99Us: quantile(all, 0.99), jitterPct: mean > 0 ? (100 * std) / mean : null, samples: n };
}

module.exports = { median, quantile, latencySummary };
