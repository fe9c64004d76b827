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
  const referenceShown = results.cases.some((k) => Object.values(k.results).some((r) => r.status === 'reference'));
  const note = referenceShown ? '\n* fio: a reference limit; it does not return data, so its reads are not verified.' : '';
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
  'fio-percore': '#4d4d4d',
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

// ---- the goals of issue 17 -----------------------------------------------------------------

/** Other ways to run the same node:fs code, which ayafileio must not trail in any case. */
const PEERS = ['node-uring', 'bun', 'deno'];
const FLUSH_PER_WRITE = /^crawlee-append\/flush-per-write(\/w\d+)?$/;

function shownResult(kase, id) {
  const r = kase.results[id];
  return r && SHOWN.has(r.status) ? r : null;
}

/** A goal's measure of one case: ayafileio's own field (ratio, p99Ratio or jitterPct). */
function own(field) {
  return (kase, aya) => {
    const v = aya[field];
    if (v == null) return { missing: `no ${field}` };
    return { value: v, text: field === 'jitterPct' ? `${v.toFixed(0)}%` : fmtRatio(v) };
  };
}

/** ayafileio's rate over a reference line's rate in the same case (the line ran after it). */
function againstLine(refId) {
  return (kase, aya) => {
    const ref = shownResult(kase, refId);
    if (!ref) return { missing: `${refId} did not run` };
    const v = aya.rate / ref.rate;
    return { value: v, text: `${fmtRatio(v)} of ${refId} (${formatRate(aya.rate)} vs ${formatRate(ref.rate)})` };
  };
}

/**
 * ayafileio's ratio to node:fs over the best peer's (both paired with node:fs's rounds); the
 * text names every peer ahead, or the best one when none is.
 */
function againstPeers(kase, aya) {
  const peers = PEERS.map((id) => ({ id, r: shownResult(kase, id) }))
    .filter((p) => p.r && p.r.ratio != null)
    .sort((a, b) => b.r.ratio - a.r.ratio);
  if (peers.length === 0) return { missing: 'no peer ran' };
  if (aya.ratio == null) return { missing: 'no ratio' };
  const ahead = peers.filter((p) => p.r.ratio > aya.ratio);
  const named = (ahead.length ? ahead : peers.slice(0, 1)).map((p) => `${p.id} ${fmtRatio(p.r.ratio)}`);
  return { value: aya.ratio / peers[0].r.ratio, text: `${fmtRatio(aya.ratio)} vs ${named.join(', ')}` };
}

/**
 * Issue 17's goals for ayafileio on its native backend, each against the limit or peer of the
 * same run. `min`/`max`: the bound on the measure; `failuresOnly`: a goal over every case,
 * listing only the cases that miss it.
 */
const GOALS = [
  { what: 'randread readAtInto, 128 and 1,024 in flight: >= 0.8x fio with one ring per core', match: /^randread\/readAtInto\/qd(128|1024)$/, measure: againstLine('fio-percore'), min: 0.8 },
  { what: 'randread readAt, 128 and 1,024 in flight: >= 0.6x fio with one ring per core', match: /^randread\/readAt\/qd(128|1024)$/, measure: againstLine('fio-percore'), min: 0.6 },
  { what: 'crawlee-append flush-per-write, 50 and 10 writers: p99 >= 10x lower than node:fs', match: FLUSH_PER_WRITE, measure: own('p99Ratio'), min: 10 },
  { what: 'crawlee-append flush-per-write, 50 and 10 writers: jitter < 25%', match: FLUSH_PER_WRITE, measure: own('jitterPct'), max: 25 },
  { what: 'crawlee-append flush-per-write, 50 and 10 writers: >= 3x node:fs items/s', match: FLUSH_PER_WRITE, measure: own('ratio'), min: 3 },
  { what: 'crawlee-files: >= 1.5x node:fs', match: /^crawlee-files$/, measure: own('ratio'), min: 1.5 },
  { what: `durable-append: at least the best peer (${PEERS.join(', ')})`, match: /^durable-append\//, measure: againstPeers, min: 1 },
  { what: 'no case below node:fs', match: /./, measure: own('ratio'), min: 1, failuresOnly: true },
  { what: `no case behind a peer (${PEERS.join(', ')})`, match: /./, measure: againstPeers, min: 1, failuresOnly: true },
];

/** "case: reason" lines that share a reason, folded into one: "reason (n cases)". */
function foldMissing(missing) {
  const byReason = new Map();
  for (const m of missing) byReason.set(m.reason, [...(byReason.get(m.reason) || []), m.id]);
  return [...byReason].map(([reason, ids]) => (ids.length === 1 ? `${ids[0]}: ${reason}` : `${reason} (${ids.length} cases)`));
}

/**
 * One goal against a run: { what, measured (text), met: 'yes' | 'no' | 'not measured' }, or
 * null when the run has no case of it for ayafileio. A case ayafileio failed (wrong data,
 * error) misses the goal; a case whose limit or peer did not run leaves it not measured.
 */
function checkGoal(goal, results, contenderId) {
  const judged = []; // { text, ok } in case order
  const missing = [];
  for (const kase of results.cases.filter((k) => goal.match.test(k.id))) {
    const r = kase.results[contenderId];
    if (!r || r.status === 'unavailable' || r.status === 'not-applicable') continue;
    if (!SHOWN.has(r.status)) {
      judged.push({ text: `${kase.id} ${r.status}`, ok: false });
      continue;
    }
    const m = goal.measure(kase, r);
    if (m.missing) {
      missing.push({ id: kase.id, reason: m.missing });
      continue;
    }
    judged.push({ text: `${kase.id} ${m.text}`, ok: goal.min != null ? m.value >= goal.min : m.value < goal.max });
  }
  if (judged.length + missing.length === 0) return null;
  const failed = judged.filter((j) => !j.ok);
  const listed = (goal.failuresOnly ? failed : judged).map((j) => j.text);
  if (goal.failuresOnly && failed.length === 0 && judged.length) listed.push(`all ${judged.length} cases meet it`);
  listed.push(...foldMissing(missing));
  const met = failed.length ? 'no' : missing.length ? 'not measured' : 'yes';
  return { what: goal.what, measured: listed.join('; '), met };
}

/** Every goal of issue 17 that the run has cases for (see checkGoal). */
function goalRows(results, contenderId = 'ayafileio') {
  return GOALS.map((g) => checkGoal(g, results, contenderId)).filter(Boolean);
}

/** Markdown: each goal, what ayafileio measured against it in this run, and whether it is met. */
function goalsTable(results, contenderId = 'ayafileio') {
  const rows = ['| goal (issue 17) | measured in this run | met |', '|---|---|---|'];
  for (const g of goalRows(results, contenderId)) rows.push(`| ${g.what} | ${g.measured} | ${g.met === 'no' ? '**no**' : g.met} |`);
  return `${rows.join('\n')}\n`;
}

/** Markdown: the goals table under its heading, or '' when the run has no case of any goal. */
function goalsSection(results) {
  if (goalRows(results).length === 0) return '';
  const heading = 'Against the goals of issue 17 (ayafileio on its native backend; fio-percore: fio io_uring with one ring per core, run after the others):';
  return `${heading}\n\n${goalsTable(results)}`;
}

/** Plain text for the terminal: one line per goal, the verdict first. */
function goalsText(results, contenderId = 'ayafileio') {
  const rows = goalRows(results, contenderId);
  if (rows.length === 0) return '';
  const mark = { yes: 'yes', no: 'NO ', 'not measured': '-  ' };
  const lines = rows.map((g) => `  ${mark[g.met]}  ${g.what}: ${g.measured}`);
  return `Against the goals of issue 17 (${contenderId}, limits and peers of this run):\n${lines.join('\n')}\n`;
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
  lines.push(goalsSection(results));
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

module.exports = { textTable, markdownTables, svgChart, goalsTable, goalsSection, goalsText, formatRate, resultsSection, replaceResultsSection };
