'use strict';
// Shared by the 9x.fs.* tests: run one call on node:fs/promises and on ayafileio/fs, each in
// its own fresh directory holding the same files, and compare what they gave.
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

let root;
let counter = 0;

/** A fresh directory for each implementation ('node', 'aya'), both holding `files` ({ name: content }). */
function twinDirs(files = {}) {
  if (root === undefined) {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-fs-'));
    process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));
  }
  const n = counter++;
  return ['node', 'aya'].map((who) => {
    const dir = path.join(root, `${n}-${who}`);
    fs.mkdirSync(dir);
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
    return dir;
  });
}

const ERROR_FIELDS = ['name', 'code', 'errno', 'syscall', 'path', 'dest', 'message'];

/** An error's comparable fields, the directory replaced by '<dir>', and its class. */
function errorShape(err, dir) {
  const scrub = (v) => (typeof v === 'string' && dir ? v.split(dir).join('<dir>') : v);
  const fields = {};
  for (const k of ERROR_FIELDS) if (err[k] !== undefined) fields[k] = scrub(err[k]);
  return { error: fields, class: err.constructor.name };
}

/** What a call gave: { value } or its error's shape. */
async function outcome(call, dir) {
  try {
    return { value: await call() };
  } catch (err) {
    return errorShape(err, dir);
  }
}

/** The files of `dir`, sorted, with their contents (latin1) or 'dir'. */
function contents(dir) {
  return fs.readdirSync(dir).sort().map((f) => {
    const p = path.join(dir, f);
    return [f, fs.statSync(p).isFile() ? fs.readFileSync(p, 'latin1') : 'dir'];
  });
}

/**
 * Run `call(fsModule, dir)` on node:fs/promises and on `aya` in twin directories holding
 * `files`; assert the same outcome (value, or error fields) and the same files afterwards.
 */
async function same(aya, call, { files = {}, value = (v) => v } = {}) {
  const nodeFsp = require('node:fs/promises');
  const [nd, ad] = twinDirs(files);
  const want = await outcome(() => call(nodeFsp, nd), nd);
  const got = await outcome(() => call(aya, ad), ad);
  if (want.error || got.error) assert.deepStrictEqual(got, want, `${call}`);
  else assert.deepStrictEqual(value(got.value, ad), value(want.value, nd), `${call}`);
  assert.deepStrictEqual(contents(ad), contents(nd), `files after ${call}`);
}

module.exports = { twinDirs, errorShape, outcome, same };
