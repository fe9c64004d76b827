'use strict';
// Covers: every backend (native, waiter-thread and fallback passes), Linux and elsewhere; what: writeFile's end states against node:fs's writeFile run the same way, for the cases an adversarial pass on writeFile with one completion (open, a cut where the file is longer, write, close) found.
// Each case runs node:fs's writeFile and ayafileio's (both APIs) on twin files and compares.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const aya = require('../dist/index.js');
const ayafs = require('ayafileio/fs');

const WRITERS = { node: fs.promises.writeFile, aya: aya.writeFile, ayafs: ayafs.promises.writeFile };

function tmpDir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-wf-adversarial-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('an empty writeFile over an empty file updates its modification time, as node:fs\'s truncating open does', async (t) => {
  const dir = tmpDir(t);
  // A write of 0 bytes changes nothing in the kernel; O_TRUNC (even to the size the file has)
  // sets mtime and ctime and clears set-user-ID: `writeFile(p, '')` is a way to touch a file.
  const old = new Date(1_000_000);
  const touched = {};
  for (const [name, writeFile] of Object.entries(WRITERS)) {
    for (const flag of ['w', 'w+']) {
      const p = path.join(dir, `${name}-${flag}`);
      fs.writeFileSync(p, '');
      fs.utimesSync(p, old, old);
      await writeFile(p, '', { flag });
      const st = fs.statSync(p);
      touched[`${name} ${flag}`] = { size: st.size, mtimeMoved: st.mtimeMs !== old.getTime() };
    }
  }
  for (const [key, end] of Object.entries(touched)) assert.deepStrictEqual(end, { size: 0, mtimeMoved: true }, key);
});
