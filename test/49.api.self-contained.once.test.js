'use strict';
// The repository explains itself: no tracked file refers to anything outside it (notes kept
// elsewhere, absolute paths of a development machine, Markdown links that leave the tree).
// The facts the code relies on live in docs/ and are cited there. Backend-independent: runs once.
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
