'use strict';
// Contender: ayafileio's AsyncFile, used directly (its methods are the scenario handle shape).
// Which backend it runs on is chosen once per realm (AYAFILEIO_BACKEND): the harness runs the
// forced-fallback contender in a worker thread with that variable set.

const path = require('node:path');

let library;
let fsPromises;
function loadLibrary() {
  library ??= require(path.join(__dirname, '..', '..', 'dist', 'index.js'));
  return library;
}

module.exports = {
  name: 'ayafileio',
  /** Available once the build exports open(); `detail` is getBackendInfo() of this realm. */
  async probe() {
    let lib;
    try {
      lib = loadLibrary();
    } catch (err) {
      return { ok: false, reason: `cannot load dist/index.js (${err.message}); run npm run build:ts` };
    }
    if (typeof lib.open !== 'function') return { ok: false, reason: 'this build does not export open() yet' };
    const info = typeof lib.getBackendInfo === 'function' ? lib.getBackendInfo() : null;
    return { ok: true, detail: info };
  },
  /** ayafileio/fs's promise API: what code written for node:fs/promises gets by one import line. */
  fsp() {
    fsPromises ??= require(path.join(__dirname, '..', '..', 'dist', 'fs', 'index.js')).promises;
    return fsPromises;
  },
  open(file, mode) {
    // Text modes write '\n' as is (newline '\n'), as node:fs does: Python's default would write
    // '\r\n' on Windows, and the scenarios verify the bytes.
    return loadLibrary().open(file, mode, mode.includes('b') ? undefined : { newline: '\n' });
  },
};
