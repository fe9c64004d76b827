'use strict';
// `ayafileio bench`: runs the suite, prints the table on stdout (progress on stderr), writes
// the JSON / SVG / Markdown files asked for. Resolves the process exit code: 1 when any
// contender failed verification or errored (a wrong result is a bug, not a slow result).

const fs = require('node:fs');
const path = require('node:path');
const { runBench, defaultDir } = require('./lib/harness');
const report = require('./lib/report');

const FAILED = new Set(['verification-failed', 'error']);

function writeFile(file, text) {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, text);
}

/** Rewrites the results section of a Markdown file (README, docs), linking the chart. */
function updateResultsSection(file, results, svg) {
  const href = svg ? path.relative(path.dirname(path.resolve(file)), path.resolve(svg)).split(path.sep).join('/') : null;
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  writeFile(file, report.replaceResultsSection(text, report.resultsSection(results, href)));
}

/**
 * options: { dir, profile, only, contenders, json, svg, markdown, readme (files), command,
 * out (stream) }.
 * Resolves { results, exitCode }.
 */
async function benchCommand(options) {
  const out = options.out || process.stdout;
  const results = await runBench(options);
  out.write(`\n${report.textTable(results)}`);
  const goals = report.goalsText(results);
  if (goals) out.write(`\n${goals}`);
  if (options.json) writeFile(options.json, `${JSON.stringify(results, null, 2)}\n`);
  if (options.svg) writeFile(options.svg, report.svgChart(results));
  if (options.markdown) writeFile(options.markdown, [report.markdownTables(results), report.goalsSection(results)].filter(Boolean).join('\n'));
  for (const file of options.readme || []) updateResultsSection(file, results, options.svg);
  const failures = [];
  for (const kase of results.cases) {
    for (const [id, r] of Object.entries(kase.results)) if (FAILED.has(r.status)) failures.push(`${kase.id} ${id}: ${r.message}`);
  }
  if (failures.length) out.write(`\n${failures.length} result(s) failed:\n  ${failures.join('\n  ')}\n`);
  return { results, exitCode: failures.length ? 1 : 0 };
}

module.exports = { benchCommand, runBench, defaultDir, report };
