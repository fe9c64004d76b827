'use strict';
// Covers: no backend: the repository (native pass only), every platform (the tracked-file scan needs git); what: no file refers outside the repository; test files say what they cover and use documented seams.
// The repository explains itself: no tracked file refers to anything outside it (notes kept
// elsewhere, absolute paths of a development machine, Markdown links that leave the tree).
// The facts the code relies on live in docs/ and are cited there. And its tests can be
// navigated: each test file says on line 2 what it covers, and tests reach compiled modules
// below the public API only through the seams of test/_lib/internals.js, which
// docs/architecture.md lists. Backend-independent: runs once.
const test = require('node:test');
const assert = require('node:assert');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

// Built from parts so that this file does not match itself.
const NOTE_NAMES = ['ENGINE', 'BENCH', 'CPYTHON', 'RUNTIMES'].map((n) => `${n}-NOTES`)
  .concat(['WINDOWS-' + 'TESTING', 'DESIGN' + '.md']);
const OUTSIDE = [
  { what: 'a path into the shared notes', re: new RegExp(['\\.\\./', 'shared', '\\b'].join('')) },
  { what: 'an absolute path of the development machine', re: new RegExp(['/', 'work/'].join('')) },
];

function trackedFiles() {
  try {
    const out = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' });
    return out.split('\0').filter(Boolean);
  } catch {
    return null; // no git checkout (an unpacked package) or no git (Windows Node under Wine)
  }
}

/** Every reference to something outside the repository in `text`: [{ line, what }]. */
function outsideReferences(file, text, tracked) {
  const found = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    for (const { what, re } of OUTSIDE) if (re.test(line)) found.push({ line: i + 1, what });
    for (const name of NOTE_NAMES) {
      if (line.includes(name) && !tracked.has(name)) {
        found.push({ line: i + 1, what: `the note ${name}` });
      }
    }
    if (file.endsWith('.md')) {
      for (const m of line.matchAll(/\]\(([^)\s#]+)[^)]*\)/g)) {
        const target = m[1];
        if (/^[a-z]+:/i.test(target) || target.startsWith('/')) continue; // URLs, site roots
        const resolved = path.resolve(ROOT, path.dirname(file), target);
        if (path.relative(ROOT, resolved).startsWith('..')) {
          found.push({ line: i + 1, what: `a link out of the tree (${target})` });
        }
      }
    }
  }
  return found;
}

test('the scanner flags each kind of outside reference', () => {
  const none = new Set();
  const sample = [
    'see ' + '../' + 'shared/notes.md',
    'built in ' + '/' + 'work/' + 'main',
    'measured (' + NOTE_NAMES[0] + ')',
    '[design](' + '../../' + 'elsewhere.md)',
    'nothing here: docs/engine-notes.md and [api](docs/api.md)',
  ].join('\n');
  const lines = outsideReferences('docs/x.md', sample, none).map((r) => r.line);
  assert.deepStrictEqual(lines, [1, 2, 3, 4]);
});

const files = trackedFiles();
const skip = files === null && 'needs `git ls-files`: not a git checkout, or no git on this host';

test('no tracked file refers to anything outside the repository', { skip }, () => {
  const tracked = new Set(files.map((f) => path.basename(f)));
  const problems = [];
  for (const file of files) {
    let buf;
    try {
      buf = fs.readFileSync(path.join(ROOT, file));
    } catch {
      continue; // tracked but deleted in this work tree
    }
    if (buf.includes(0)) continue; // binary
    for (const r of outsideReferences(file, buf.toString('utf8'), tracked)) {
      problems.push(`${file}:${r.line}: ${r.what}`);
    }
  }
  assert.deepStrictEqual(problems, [], 'cite docs/ instead:\n' + problems.join('\n'));
});

const TEST_DIR = path.join(ROOT, 'test');

test('line 2 of every test file says what it covers, in the passes scripts/run-tests.js gives it', () => {
  const problems = [];
  for (const name of fs.readdirSync(TEST_DIR).filter((f) => f.endsWith('.test.js'))) {
    const line = fs.readFileSync(path.join(TEST_DIR, name), 'utf8').split(/\r?\n/)[1] ?? '';
    const once = name.endsWith('.once.test.js');
    if (!/^\/\/ Covers: .+ \(.*pass.*\), .+; what: .+\.$/.test(line)) {
      problems.push(`${name}: line 2 is not "// Covers: <backends> (<passes>), <platforms>; what: <what it tests>."`);
    } else if (once !== line.includes('(native pass only')) {
      problems.push(`${name}: ${once ? 'a once file runs in the native pass only' : 'only once files run in the native pass only'}`);
    } else if (!once && !/fallback pass/.test(line)) {
      problems.push(`${name}: the fallback pass runs it too`);
    } else if (!once && /^\d\d\.(engine|reliab)\./.test(name) !== line.includes('waiter-thread')) {
      problems.push(`${name}: the waiter-thread pass runs the engine and reliability files, only those`);
    }
  }
  assert.deepStrictEqual(problems, [], 'see docs/architecture.md, "Test files"');
});

test('tests reach compiled internals only through test/_lib/internals.js, and docs/architecture.md lists each seam', () => {
  const { MODULES, paths } = require('./_lib/internals.js');
  const arch = fs.readFileSync(path.join(ROOT, 'docs', 'architecture.md'), 'utf8');
  const start = arch.indexOf('\n## Test seams\n');
  assert.ok(start >= 0, 'docs/architecture.md has a "Test seams" section');
  const section = arch.slice(start, arch.indexOf('\n## ', start + 1));
  for (const [name, module] of Object.entries(MODULES)) {
    const source = `src/${module.replace(/\.js$/, '.ts')}`;
    assert.ok(fs.existsSync(path.join(ROOT, source)) && fs.existsSync(paths[name]), `the seam ${name}: ${source} and its compiled ${module} exist`);
    const row = `| \`${name}\` | \`${source}\` |`;
    assert.ok(section.includes(row), `"Test seams" has the row ${row}`);
  }
  // dist/ names that are public: the entry points and the package's command (dist/cli.js).
  const PUBLIC = new Set(['index.js', 'index.mjs', 'index.d.ts', 'index.d.mts', 'cli.js']);
  const problems = [];
  for (const dir of [TEST_DIR, path.join(TEST_DIR, '_lib')]) {
    for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.js') && f !== 'internals.js')) {
      const text = fs.readFileSync(path.join(dir, name), 'utf8');
      // A path into the compiled tree, written with slashes or as path.join() parts (a literal
      // 'dist' or a DIST constant): the name after it must be a public one.
      for (const m of text.matchAll(/\bdist(?:\/|['"]?\s*,\s*['"`])([\w.${}-]+)/gi)) {
        if (!PUBLIC.has(m[1]) && !m[1].startsWith('${MODULES.')) problems.push(`${path.relative(ROOT, path.join(dir, name))}: the compiled ${m[1]}`);
      }
    }
  }
  assert.deepStrictEqual(problems, [], 'take internals from test/_lib/internals.js (docs/architecture.md, "Test seams")');
});
