'use strict';
// Covers: no backend: the docs (native pass only), every platform; what: docs/api.md covers every public name.
// docs/api.md covers every public name: each run-time export and each exported type of
// dist/index.d.ts appears in it as code (`name`), and each has an example or a table row.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const doc = fs.readFileSync(path.join(root, 'docs', 'api.md'), 'utf8');

/** The names `export { a, b } …` and `export type { C } …` lines of index.d.ts make public. */
function exportedNames() {
  const dts = fs.readFileSync(path.join(root, 'dist', 'index.d.ts'), 'utf8');
  const names = [];
  for (const m of dts.matchAll(/^export (?:type )?\{([^}]*)\}/gm)) names.push(...m[1].split(',').map((n) => n.trim()));
  for (const m of dts.matchAll(/^export declare (?:const|function|class) (\w+)/gm)) names.push(m[1]);
  return names.filter(Boolean);
}

test('every run-time export is documented', () => {
  const names = Object.keys(require('ayafileio'));
  assert.ok(names.length >= 12);
  for (const name of names) assert.ok(doc.includes(`\`${name}`), `docs/api.md mentions \`${name}\``);
});

test('every exported type is documented', () => {
  const names = exportedNames();
  assert.ok(names.includes('SystemError') && names.includes('BackendInfo'));
  for (const name of names) assert.ok(doc.includes(`\`${name}`), `docs/api.md mentions \`${name}\``);
});

test('every configuration option is in the options table with its default', () => {
  const { getConfig } = require('ayafileio');
  for (const [name, value] of Object.entries(getConfig())) {
    const row = doc.split('\n').find((line) => line.startsWith(`| \`${name}\``));
    assert.ok(row, `options table row for ${name}`);
    assert.ok(row.includes(` ${value} |`), `${name} row shows the default ${value}`);
  }
});
