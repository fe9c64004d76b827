'use strict';
// Presents a results object: a plain-text table (stdout), Markdown tables (README and
// docs/performance.md) and an SVG chart of throughput ratios to node:fs/promises.

const SHOWN = new Set(['ok', 'reference']);

/** A rate with k/M suffixes (3 significant digits or so). */
function formatRate(v) {
  if (v == null) return '-';
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
  if (v >= 1e4) return `${(v / 1e3).toFixed(0)}k`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(1)}k`;
  return v.toFixed(v >= 100 ? 0 : 1);
}

function fmt(v, digits = 1) {
  return v == null ? '-' : v.toFixed(digits);
}

function fmtRatio(v) {
  if (v == null) return '-';
  return `${v >= 10 ? v.toFixed(1) : v.toFixed(2)}x`;
}

function statusText(r) {
  if (r.status === 'verification-failed') return `VERIFICATION FAILED: ${r.message}`;
  if (r.status === 'error') return `ERROR: ${r.message}`;
  return null;
}

/** Contenders that produced anything worth a column (ran in at least one case). */
function shownContenders(results) {
  return results.contenders.filter((c) => c.available);
}

/** The plain-text table: one row per case and contender. */
function textTable(results) {
  const head = ['case', 'contender', 'rate', 'unit', 'p50 us', 'p99 us', 'jitter', 'cpu us/op', 'x node:fs', 'p99 x lower'];
  const rows = [head];
  for (const kase of results.cases) {
    for (const c of shownContenders(results)) {
      const r = kase.results[c.id];
      if (!r || r.status === 'not-applicable') continue;
      const failed = statusText(r);
      if (failed) {
        rows.push([kase.id, c.label, failed]);
        continue;
      }
      rows.push([
        kase.id,
        c.label + (r.status === 'reference' ? ' *' : ''),
        formatRate(r.rate),
        kase.unit,
        fmt(r.p50Us),
        fmt(r.p99Us),
        r.jitterPct == null ? '-' : `${r.jitterPct.toFixed(0)}%`,
        fmt(r.cpuUsPerOp, 2),
        fmtRatio(r.ratio),
        fmtRatio(r.p99Ratio),
      ]);
    }
  }
  const widths = head.map((_, i) => Math.max(...rows.filter((r) => r.length === head.length).map((r) => String(r[i]).length)));
  const lines = rows.map((r) =>
    r.length === head.length ? r.map((cell, i) => (i < 2 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  ') : `${String(r[0]).padEnd(widths[0])}  ${String(r[1]).padEnd(widths[1])}  ${r[2]}`,
  );
  const note = results.contenders.some((c) => c.reference && c.available) ? '\n* fio: a reference limit; it does not return data, so its reads are not verified.' : '';
  return `${lines.join('\n')}${note}\n`;
}

/** Markdown: throughput per case (node:fs absolute, others as ratios), then latency. */
function markdownTables(results) {
  const contenders = shownContenders(results);
  const base = results.baseline;
  const header = ['case', 'unit', ...contenders.map((c) => c.label)];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`];
  for (const kase of results.cases) {
    const cells = contenders.map((c) => {
      const r = kase.results[c.id];
      if (!r || r.status === 'not-applicable' || r.status === 'unavailable') return '';
      if (!SHOWN.has(r.status)) return r.status === 'verification-failed' ? 'wrong data' : 'error';
      return c.id === base ? formatRate(r.rate) : `${fmtRatio(r.ratio)} (${formatRate(r.rate)})`;
    });
    lines.push(`| ${kase.id} | ${kase.unit} | ${cells.join(' | ')} |`);
  }
  const latencyIds = contenders.filter((c) => c.id === base || c.id.startsWith('ayafileio'));
  const lhead = ['case', ...latencyIds.map((c) => `${c.label}: p50 / p99 µs, jitter, CPU µs/op`), 'p99 x lower (ayafileio)'];
  const llines = [`| ${lhead.join(' | ')} |`, `|${lhead.map((_, i) => (i ? '---:' : '---')).join('|')}|`];
  for (const kase of results.cases) {
    const cells = latencyIds.map((c) => {
      const r = kase.results[c.id];
      return r && SHOWN.has(r.status) ? `${fmt(r.p50Us)} / ${fmt(r.p99Us)}, ${fmt(r.jitterPct, 0)}%, ${fmt(r.cpuUsPerOp, 2)}` : '';
    });
    const aya = kase.results.ayafileio;
    llines.push(`| ${kase.id} | ${cells.join(' | ')} | ${aya && aya.p99Ratio != null ? fmtRatio(aya.p99Ratio) : ''} |`);
  }
  return `${lines.join('\n')}\n\nPer-op latency (pooled over measured rounds), jitter (coefficient of variation) and CPU time per op (whole process, all threads):\n\n${llines.join('\n')}\n`;
}

// ---- SVG ---------------------------------------------------------------------------------

const COLORS = {
  ayafileio: '#c0392b',
  'ayafileio-fallback': '#e6a19a',
  'node-uring': '#2e6fb5',
  bun: '#8e5bb5',
  deno: '#2f9e5b',
  fio: '#8c8c8c',
};
const PALETTE = ['#d08c2c', '#4aa3a3', '#a35a7a'];

function esc(text) {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A horizontal bar chart, log2 scale, bars growing left or right from the 1x line. */
function svgChart(results) {
  const others = shownContenders(results).filter((c) => c.id !== results.baseline);
  const color = (c, i) => COLORS[c.id] || PALETTE[i % PALETTE.length];
  const ratios = [];
  for (const k of results.cases) for (const c of others) if ((k.results[c.id] || {}).ratio > 0) ratios.push(k.results[c.id].ratio);
  const lo = Math.max(-7, Math.min(-2, Math.floor(Math.log2(Math.min(1, ...ratios)))));
  const hi = Math.max(4, Math.ceil(Math.log2(Math.max(1, ...ratios))));
  const W = 960;
  const labelW = 230;
  const plotW = W - labelW - 70;
  const x = (ratio) => labelW + ((Math.log2(Math.max(ratio, 2 ** lo)) - lo) / (hi - lo)) * plotW;
  const barH = 9;
  const groupH = others.length * (barH + 2) + 12;
  const top = 70 + Math.ceil(others.length / 3) * 16;
  const H = top + results.cases.length * groupH + 40;
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="11">`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="10" y="20" font-size="14" font-weight="bold">${esc('ayafileio bench: throughput relative to node:fs/promises (= 1x) in the same run, log scale')}</text>`);
  const m = results.machine;
  const load = m.loadAverage ? ` · load ${m.loadAverage.before[0].toFixed(1)}` : '';
  out.push(`<text x="10" y="38" fill="#555">${esc(`${results.date.slice(0, 16).replace('T', ' ')} UTC · ${m.cpus} x ${m.cpu} · ${m.os} · Node ${m.node} · dir on ${m.dirFs || '?'} · profile ${results.profile}${load}`)}</text>`);
  others.forEach((c, i) => {
    const lx = 10 + (i % 3) * 310;
    const ly = 56 + Math.floor(i / 3) * 16;
    out.push(`<rect x="${lx}" y="${ly - 9}" width="12" height="10" fill="${color(c, i)}"/><text x="${lx + 16}" y="${ly}">${esc(c.label)}</text>`);
  });
  for (let p = lo; p <= hi; p++) {
    const gx = x(2 ** p).toFixed(1);
    out.push(`<line x1="${gx}" y1="${top - 6}" x2="${gx}" y2="${H - 30}" stroke="${p === 0 ? '#000' : '#ddd'}" stroke-width="${p === 0 ? 1.2 : 1}"/>`);
    out.push(`<text x="${gx}" y="${H - 16}" text-anchor="middle" fill="#555">${2 ** p}x</text>`);
  }
  results.cases.forEach((k, ci) => {
    const gy = top + ci * groupH;
    out.push(`<text x="${labelW - 8}" y="${gy + groupH / 2}" text-anchor="end">${esc(k.id)}</text>`);
    others.forEach((c, i) => {
      const r = k.results[c.id];
      const y = gy + 4 + i * (barH + 2);
      if (!r || r.status === 'not-applicable' || r.status === 'unavailable') return;
      if (r.ratio == null) {
        out.push(`<text x="${x(1) + 4}" y="${y + barH - 1}" fill="#c00" font-size="9">${esc(r.status)}</text>`);
        return;
      }
      const x0 = Math.min(x(1), x(r.ratio));
      const w = Math.max(1, Math.abs(x(r.ratio) - x(1)));
      out.push(`<rect x="${x0.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${color(c, i)}"/>`);
      const tx = r.ratio >= 1 ? x0 + w + 3 : x0 - 3;
      out.push(`<text x="${tx.toFixed(1)}" y="${y + barH - 1}" font-size="9" text-anchor="${r.ratio >= 1 ? 'start' : 'end'}">${fmtRatio(r.ratio)}</text>`);
    });
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** Issue 6's speed targets for ayafileio on its native backend, as same-run ratios. */
const TARGETS = [
  { what: 'randread at 1 in flight: >= 10x node:fs', match: /^randread\/.*\/qd1$/, metric: 'ratio', min: 10 },
  { what: 'randread at 32, 128, 1,024 in flight: >= 8x', match: /^randread\/.*\/qd(32|128|1024)$/, metric: 'ratio', min: 8 },
  { what: 'crawlee-append flush-per-write: >= 3x items/s', match: /^crawlee-append\/flush-per-write$/, metric: 'ratio', min: 3 },
  { what: 'crawlee-append flush-per-write: p99 >= 10x lower', match: /^crawlee-append\/flush-per-write$/, metric: 'p99Ratio', min: 10 },
  { what: 'crawlee-append flush-per-write: jitter < 25%', match: /^crawlee-append\/flush-per-write$/, metric: 'jitterPct', max: 25 },
  { what: 'seqread and durable-append: >= 1x', match: /^(seqread|durable-append)\//, metric: 'ratio', min: 1 },
  { what: 'no case slower than node:fs', match: /./, metric: 'ratio', min: 1 },
];

function formatMetric(metric, v) {
  return metric === 'jitterPct' ? `${v.toFixed(0)}%` : fmtRatio(v);
}

/** Markdown: each target, what ayafileio measured in this run, and whether it is met. */
function targetsTable(results, contenderId = 'ayafileio') {
  const rows = ['| target (issue 6) | measured | met |', '|---|---|---|'];
  for (const t of TARGETS) {
    const measured = [];
    let met = true;
    for (const kase of results.cases.filter((k) => t.match.test(k.id))) {
      const r = kase.results[contenderId];
      const v = r && SHOWN.has(r.status) ? r[t.metric] : null;
      if (v == null) {
        met = false;
        measured.push(`${kase.id} ${r ? r.status : 'not run'}`);
        continue;
      }
      const ok = t.min != null ? v >= t.min : v < t.max;
      if (!ok) met = false;
      if (!ok || t.match.source !== '.') measured.push(`${kase.id} ${formatMetric(t.metric, v)}`);
    }
    if (measured.length === 0 && t.match.source !== '.') continue;
    rows.push(`| ${t.what} | ${measured.join(', ') || 'all cases'} | ${met ? 'yes' : '**no**'} |`);
  }
  return `${rows.join('\n')}\n`;
}

const README_START = '<!-- bench:results -->';
const README_END = '<!-- /bench:results -->';

/** The results section for README / docs: when, where, how, the chart and the tables. */
function resultsSection(results, chartHref) {
  const m = results.machine;
  const load = m.loadAverage
    ? ` Load average ${m.loadAverage.before[0].toFixed(1)} at the start and ${m.loadAverage.after[0].toFixed(1)} at the end` +
      (m.loadAverage.before[0] > m.cpus ? ' (other work was running: absolute numbers are low and noisy, the same-run ratios are what to read).' : '.')
    : '';
  const lines = [
    `Measured ${results.date.slice(0, 16).replace('T', ' ')} UTC on ${m.cpus} x ${m.cpu}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node},`,
    `bench directory on ${m.dirFs || 'an unknown file system'}, ${results.elapsedSeconds} s, with:`,
    '',
    '```sh',
    `npx ${results.command || 'ayafileio bench'}`,
    '```',
    '',
    `${load.trim()}`,
    '',
  ];
  if (chartHref) lines.push(`![throughput relative to node:fs/promises](${chartHref})`, '');
  lines.push(markdownTables(results));
  if (results.cases.some((k) => k.results.ayafileio)) lines.push('Against the targets of issue 6 (ayafileio on its native backend):', '', targetsTable(results));
  return lines.join('\n');
}

/** `text` with the part between the bench markers replaced (markers appended if absent). */
function replaceResultsSection(text, section) {
  const block = `${README_START}\n${section.trimEnd()}\n${README_END}`;
  const start = text.indexOf(README_START);
  const end = text.indexOf(README_END);
  if (start < 0 || end < start) return `${text.trimEnd()}\n\n${block}\n`;
  return text.slice(0, start) + block + text.slice(end + README_END.length);
}

module.exports = { textTable, markdownTables, svgChart, targetsTable, formatRate, resultsSection, replaceResultsSection };
