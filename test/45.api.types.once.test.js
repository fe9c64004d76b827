'use strict';
// Runs the type test: `tsc --noEmit -p test/types` over test/types/usage.ts, which uses every
// public name with correct types and marks misuse with @ts-expect-error. A second check
// shows the type test can fail: a misuse without the marker must be reported.
const test = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');

function findTsc() {
  try {
    return require.resolve('typescript/bin/tsc', { paths: [root] });
  } catch {
    return undefined;
  }
}
const tsc = findTsc();
const skip = tsc === undefined && 'typescript is not installed (npm install adds it as a devDependency)';

function runTsc(args) {
  return spawnSync(process.execPath, [tsc, ...args], { cwd: root, encoding: 'utf8' });
}

test('test/types/usage.ts type-checks against dist/index.d.ts', { skip }, () => {
  const r = runTsc(['--noEmit', '-p', 'test/types']);
  assert.strictEqual(r.status, 0, r.stdout + r.stderr);
});

test('misuse of the public types is reported', { skip }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-types-'));
  try {
    const file = path.join(dir, 'misuse.ts');
    const entry = path.join(root, 'dist', 'index.js');
    fs.writeFileSync(file, `import { configure, readFile } from ${JSON.stringify(entry)};
      configure({ bufferSize: '64k' });
      export async function f(): Promise<Buffer> { return readFile('x', 'utf8'); }\n`);
    const r = runTsc(['--noEmit', '--strict', '--module', 'node16', '--moduleResolution', 'node16',
      '--target', 'ES2022', '--skipLibCheck', '--types', 'node', '--typeRoots', path.join(root, 'node_modules', '@types'), file]);
    assert.notStrictEqual(r.status, 0);
    assert.match(r.stdout, /misuse\.ts\(2,\d+\): error TS2322/);
    assert.match(r.stdout, /misuse\.ts\(3,\d+\): error TS2322/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
