'use strict';
// Shared by the 2N.file.* tests: a temporary directory per test file, removed at exit.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

let dir;
let counter = 0;

/** A fresh path in this process's temporary directory (the file does not exist yet). */
function tmpPath(name = 'f') {
  if (dir === undefined) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-file-'));
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  counter++;
  return path.join(dir, `${counter}-${name}`);
}

/** A path holding `content`. */
function fileWith(content, name) {
  const p = tmpPath(name);
  fs.writeFileSync(p, content);
  return p;
}

/** Assert that `promise` rejects with an error whose fields include `fields`. */
async function rejectsWith(promise, fields) {
  const assert = require('node:assert');
  assert.ok(promise instanceof Promise, 'a promise, not a synchronous throw');
  await assert.rejects(promise, (err) => {
    for (const [k, v] of Object.entries(fields)) {
      if (v instanceof RegExp) assert.match(String(err[k]), v, k);
      else assert.strictEqual(err[k], v, `${k} of ${err.stack}`);
    }
    return true;
  });
}

module.exports = { tmpPath, fileWith, rejectsWith };
