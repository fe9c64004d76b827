'use strict';
// The internal seams of the test suite: the compiled modules below the public API (which is
// dist/index.js) that some tests need, each named here once, with why. Tests take them from
// here (`require('./_lib/internals.js').engine`), code run in a child or a worker from
// `paths`, so a module that moves is changed here only. docs/architecture.md ("Test seams")
// lists the same seams; a test that can say the same thing through the public API uses that.
const path = require('node:path');

const DIST = path.join(__dirname, '..', '..', 'dist');

/** Each seam's module, relative to dist/. */
const MODULES = Object.freeze({
  // getBackend(): the op interface every backend implements (raw results, negative errno).
  // The engine tests drive ops below AsyncFile; other tests count its calls or see raw results.
  engine: 'engine/index.js',
  // FallbackBackend: the node:fs backend on its own, whatever backend the pass selected.
  fallbackBackend: 'engine/fallback.js',
  // NativeBackend: the JavaScript side of the addon contract, against a scripted stand-in addon.
  nativeBackend: 'engine/native.js',
  // loadBinding(), prebuildTag(), linuxLibc(): the raw addon (its contract, its slab pool) and
  // the loader's view of which prebuild this process needs.
  binding: 'binding.js',
  // subscribeConfig(): the change hook the engine listens on (configure() is public).
  config: 'config.js',
  // acquireBuffer/releaseBuffer/bufferPoolStats: the file-buffer pool; nothing public shows it.
  bufferPool: 'file/buffer-pool.js',
  // parseMode(): the flags and capabilities a mode string maps to, beyond what open() shows.
  mode: 'file/mode.js',
  // BufferedFile: group commit's exact grouping, over a scripted backend.
  buffered: 'file/buffered.js',
  // TextFile: the text layer on an in-memory buffer (test/_lib/fake-buffered.js).
  text: 'file/text.js',
  // getCodec(): the text codecs on their own.
  textCodec: 'file/text-codec.js',
  // slotStats(): how many whole-file helper slots are taken and waited for.
  openLimit: 'open-limit.js',
  // debugLog()/isDebugEnabled(): the debug log's gate, with a message function that records its call.
  debug: 'debug.js',
  // parseBenchArgs(): the `ayafileio bench` command's argument parser.
  cli: 'cli.js',
});

/** Absolute path of each seam's module (for code run in a child process or a worker). */
const paths = Object.freeze(Object.fromEntries(
  Object.entries(MODULES).map(([name, module]) => [name, path.join(DIST, ...module.split('/'))]),
));

const seams = { MODULES, paths };
for (const name of Object.keys(MODULES)) {
  // Loaded on first use: requiring a module can start work (the engine reads the configuration).
  Object.defineProperty(seams, name, { enumerable: true, get: () => require(paths[name]) });
}

module.exports = seams;
