'use strict';
// The differential fuzz's scheduler (see reliab-fuzz.js): which ops may be in flight together,
// issuing a sequence's commands in batches without awaiting each other, and comparing each
// subject result with the reference's as it settles.
const { firstDiff } = require('./fuzz-interpreter.js');

/** Figures for docs/reliability.md: sequences run, ops issued, the largest batch in flight. */
const stats = { sequences: 0, ops: 0, batches: 0, maxInFlight: 0, errorsCompared: 0, skipped: 0 };

/** The half-open byte ranges an op reads or writes, seen against the file's size at batch start. */
function readFootprint(claim, size0) {
  if (claim.len === 0) return null;
  const end = claim.at + claim.len;
  return [claim.at, end > size0 ? Infinity : end];
}
function writeFootprintForReads(claim, size0) {
  if (claim.len === 0) return null;
  const end = claim.at + claim.len;
  // A write that extends the file also changes what a read at or past the old EOF sees.
  return end > size0 ? [Math.min(claim.at, size0), Infinity] : [claim.at, end];
}
function overlaps(a, b) {
  return a !== null && b !== null && a[0] < b[1] && b[0] < a[1];
}

/** Do two claims on the same file fail to commute? */
function claimsConflict(x, y, size0) {
  if (x.kind === 'exclusive' || y.kind === 'exclusive') return true; // even fsync must not race a close
  if (x.oneAtATimeOnSlot !== undefined && x.oneAtATimeOnSlot === y.oneAtATimeOnSlot) return true;
  if (x.kind === 'none' || y.kind === 'none') return false;
  if (x.kind === 'close' || y.kind === 'close') return false; // close waits for what came before it
  if (x.kind === 'write' && y.kind === 'write') {
    return x.len > 0 && y.len > 0 && x.at < y.at + y.len && y.at < x.at + x.len;
  }
  if (x.kind === 'read' && y.kind === 'read') return false;
  const [r, w] = x.kind === 'read' ? [x, y] : [y, x];
  return overlaps(readFootprint(r, size0), writeFootprintForReads(w, size0));
}

class Batch {
  constructor() {
    this.pending = [];
    this.claims = new Map(); // file -> { size0, list }
  }
  /** Would `plan` fail to commute with what is already in flight? */
  conflicts(plan) {
    const entry = this.claims.get(plan.file);
    if (!entry) return false;
    return entry.list.some((c) => claimsConflict(c, plan.claim, entry.size0));
  }
  add(plan, size0) {
    let entry = this.claims.get(plan.file);
    if (!entry) this.claims.set(plan.file, (entry = { size0, list: [] }));
    entry.list.push(plan.claim);
  }
}

/** A comparable form of an outcome: a value or an error code. */
function outcome(value) {
  return { ok: value };
}
function failure(code) {
  return { err: code };
}
function sameOutcome(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}
/** One line per mismatch; long byte strings shortened to their length and first differing byte. */
function describeMismatch(m) {
  const shorten = (o) => (o && typeof o.ok === 'string' && o.ok.length > 64 ? { ok: `<${o.ok.length / 2} bytes>` } : o);
  const extra = m.expected && m.actual && typeof m.expected.ok === 'string' && typeof m.actual.ok === 'string'
    ? ` firstDiff=${firstDiff(m.expected.ok, m.actual.ok)}` : '';
  return JSON.stringify({ ...m, expected: shorten(m.expected), actual: shorten(m.actual) }) + extra;
}
function describeThrown(e) {
  return failure(e && typeof e.code === 'string' ? e.code : `thrown ${e && e.name}: ${e && e.message}`);
}

/**
 * Run `cmds` through `interp` (reference and subject) and return the mismatches.
 * `interp` gives plan(cmd) -> null | { file, claim, slot?, opensSlot?, reference(), subject() }.
 */
async function runSequence(interp, cmds) {
  const mismatches = [];
  let batch = new Batch();
  const settleBatch = async () => {
    stats.maxInFlight = Math.max(stats.maxInFlight, batch.pending.length);
    if (batch.pending.length) stats.batches++;
    await Promise.all(batch.pending);
    batch = new Batch();
  };
  // Only a barrier or a conflict awaits; everything else is issued in the same tick.
  for (const [cmd, index] of expandBursts(cmds)) {
    if (cmd.op === 'barrier') {
      await settleBatch();
      continue;
    }
    const plan = interp.plan(cmd);
    if (!plan) {
      stats.skipped++;
      continue;
    }
    if (batch.conflicts(plan)) await settleBatch();
    batch.add(plan, interp.sizeOf(plan.file));
    batch.pending.push(issue(plan, cmd, index, mismatches));
  }
  await settleBatch();
  await interp.closeAll(mismatches);
  interp.compareFiles(mismatches);
  stats.sequences++;
  return mismatches;
}

/** Run the reference now, issue the subject op (not awaited), compare when it settles. */
function issue(plan, cmd, index, mismatches) {
  const expected = plan.reference();
  stats.ops++;
  if (expected.err) stats.errorsCompared++;
  let issued;
  try {
    issued = plan.subject();
  } catch (e) {
    issued = Promise.resolve(failure(`threw synchronously: ${e && e.message}`));
  }
  return issued.then((actual) => {
    if (!sameOutcome(expected, actual)) mismatches.push({ index, cmd, expected, actual });
  });
}

/** Commands with each burst replaced by its run of adjacent, non-overlapping range ops. */
function* expandBursts(cmds) {
  for (let i = 0; i < cmds.length; i++) {
    const c = cmds[i];
    if (c.op !== 'burst') {
      yield [c, i];
      continue;
    }
    for (let k = 0; k < c.count; k++) {
      yield [{ op: c.write ? 'writeRange' : 'readRange', slot: c.slot, pos: c.base + k * c.len, len: c.len, seed: c.seed + k }, i];
    }
  }
}

module.exports = { stats, outcome, failure, describeMismatch, describeThrown, runSequence };
