'use strict';
// Differential fuzzing against node:fs (issue 4).
//
// A sequence of random commands is run twice: once through node:fs synchronous calls (the
// reference, executed one by one in command order) and once through the code under test
// (the subject), where commands are issued WITHOUT awaiting each other and only settled at
// barriers. Many ops are therefore in flight at once. A command that would not commute with
// an op already in the current batch (overlapping ranges, a size-changing op, a use of a
// handle whose open has not settled yet) first closes the batch, so the concurrent run must
// give exactly the results of the sequential one. Every result and the final bytes of every
// file are compared.
//
// Two interpreters share the scheduler:
//   - ops:  the raw op interface (the engine seam's getBackend(), test/_lib/internals.js):
//           open/read/write/ftruncate/fstat/stat/fsync/close with raw results (>= 0 or -errno).
//   - file: the public AsyncFile API (`dist/index.js` open()): stream handles (read/write/
//           seek/tell/truncate/flush/stat/close, ordered by AsyncFile) and positional
//           handles (readAt/writeAt/truncate/stat/close, running in parallel).
//
// Commands only name slots and files by small integers and derive written bytes from a seed,
// so fast-check can shrink a failing sequence to a minimal one that still means something.
//
// This file is the runner: the property, one case, fast-check's run. The rest, by concern:
//   fuzz-schedule.js     batches of ops in flight, issuing, comparing, the stats
//   fuzz-interpreter.js  files, slots, seeded bytes, reference helpers, the Interpreter base
//   fuzz-ops.js          the op-level interpreter
//   fuzz-file.js         the AsyncFile interpreter
//   fuzz-commands.js     the command generators (fast-check arbitraries)
const fs = require('node:fs');
const fc = require('fast-check');
const { stats, describeMismatch, runSequence } = require('./fuzz-schedule.js');
const { bytesFor, makeDirs, seedFiles } = require('./fuzz-interpreter.js');
const { OpInterpreter } = require('./fuzz-ops.js');
const { FileInterpreter } = require('./fuzz-file.js');
const { opCommandArb, fileCommandArb, initialFilesArb } = require('./fuzz-commands.js');

/**
 * The property: for any initial files and command sequence, the subject matches node:fs.
 * `kind` is 'ops' (raw op interface of `backend`) or 'file' (public API `api`).
 */
function differentialProperty(kind, target, maxCommands) {
  return fc.asyncProperty(...caseArbs(kind, maxCommands), async (init, cmds) => {
    const mismatches = await runCase(kind, target, init, cmds);
    if (mismatches.length) {
      throw new Error(`differs from node:fs:\n${mismatches.slice(0, 5).map(describeMismatch).join('\n')}`);
    }
  });
}

/** The arbitraries of one case: initial files, then the command sequence. */
function caseArbs(kind, maxCommands) {
  const cmdArb = kind === 'ops' ? opCommandArb : fileCommandArb;
  return [initialFilesArb, fc.array(cmdArb, { maxLength: maxCommands, size: 'max' })];
}

/** Run one case (initial files + commands) in fresh dirs; resolves the mismatches (replay aid). */
async function runCase(kind, target, init, cmds) {
  const dirs = makeDirs();
  try {
    seedFiles(dirs, init);
    const interp = kind === 'ops' ? new OpInterpreter(target, dirs) : new FileInterpreter(target, dirs);
    return await runSequence(interp, cmds);
  } finally {
    fs.rmSync(dirs.root, { recursive: true, force: true });
  }
}

/** Run the property with fast-check's runner (shrinks on failure; the report names seed and path). */
async function fuzz(kind, target, { seed, numRuns, maxCommands = 80, interruptAfterTimeLimit }) {
  await fc.assert(differentialProperty(kind, target, maxCommands), {
    seed,
    numRuns,
    interruptAfterTimeLimit,
    markInterruptAsFailure: false,
    endOnFailure: false,
  });
}

module.exports = { fuzz, differentialProperty, caseArbs, runCase, describeMismatch, stats, bytesFor };
