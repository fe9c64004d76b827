/**
 * The files of this realm (main thread or worker) that are open, so that no awaited write is
 * lost when the program ends without close() — the durability contract in docs/api.md:
 *
 * - the loop runs dry ('beforeExit'): every open file is closed the normal, asynchronous way
 *   (flush, then close), with one warning per file;
 * - process.exit(), an uncaught exception, a worker's end ('exit': no loop turn will come):
 *   the backend settles its in-flight ops synchronously (drainSync), then every file's pending
 *   bytes are written synchronously at their positions and its fd is closed, with one warning
 *   per file written straight to stderr (process.emitWarning would wait for a tick);
 * - a file dropped without close() and garbage-collected: flushed and closed, with a warning.
 *
 * Costs nothing per write: one entry per open file, added at open and removed at close.
 * A worker killed with terminate() runs no JavaScript: its buffered bytes are lost, and its
 * fds are closed by the native engine's environment cleanup.
 */
import { writeSync } from 'node:fs';
import type { OpBackend } from '../engine/types';
import type { BufferedFile } from './buffered';

/** What is needed to finish a file the program did not close. */
export interface OpenFileRecord {
  backend: OpBackend;
  /** The backend that closes the fd (AsyncFileInit.closer). */
  closer: OpBackend;
  io: BufferedFile;
  name: string | Buffer | number;
  ownsFd: boolean;
  /** The AsyncFile, while it lives (its close() keeps the call order). */
  file: WeakRef<{ close(): Promise<void> }>;
  /** close() was called: finishing it is no surprise, so no warning. */
  closing: boolean;
}

const WARNING_CODE = 'AYAFILEIO_UNCLOSED_FILE';

const openFiles = new Set<OpenFileRecord>();
let hooksInstalled = false;

const leakRegistry = new FinalizationRegistry<OpenFileRecord>(closeCollected);

/** Track an open file until forget(): `owner` is the AsyncFile. */
export function remember(owner: object, record: OpenFileRecord): void {
  if (!hooksInstalled) installHooks();
  openFiles.add(record);
  leakRegistry.register(owner, record, record);
}

/** The file is closed (its pending bytes are written, its fd closed or being closed). */
export function forget(record: OpenFileRecord): void {
  openFiles.delete(record);
  leakRegistry.unregister(record);
}

function installHooks(): void {
  hooksInstalled = true;
  process.on('beforeExit', closeAtNaturalEnd);
  process.on('exit', finishAtExit);
  // Deno emits no 'exit' after an uncaught exception or rejection: the last JavaScript it runs
  // is its global 'error' / 'unhandledrejection' event, and it exits unless a listener
  // prevents that (then the program goes on and nothing is finished here).
  const host = globalThis as { Deno?: unknown; addEventListener?: (type: string, fn: (event: Event) => void) => void };
  if (host.Deno !== undefined && typeof host.addEventListener === 'function') {
    const finishUnlessPrevented = (event: Event): void => {
      if (!event.defaultPrevented) finishAtExit();
    };
    host.addEventListener('error', finishUnlessPrevented);
    host.addEventListener('unhandledrejection', finishUnlessPrevented);
  }
}

function describe(record: OpenFileRecord): string {
  return `ayafileio: file ${String(record.name)} (fd ${record.io.fd})`;
}

function closeFd(record: OpenFileRecord): Promise<unknown> | undefined {
  return record.ownsFd ? record.closer.close(record.io.fd) : undefined;
}

/** Flush, then close the fd: a file the program did not close and no AsyncFile is left for. */
function flushAndClose(record: OpenFileRecord, what: string): void {
  record.io.flush().then(
    () => closeFd(record),
    (err: Error) => {
      process.emitWarning(`${what}; its buffered writes were lost: ${err.message}`, { code: WARNING_CODE });
      return closeFd(record);
    },
  ).finally(() => forget(record));
}

/** The FinalizationRegistry's callback: the AsyncFile was collected without close(). */
function closeCollected(record: OpenFileRecord): void {
  if (record.closing) return; // closeUnclosed() got to it first
  record.closing = true;
  const what = `${describe(record)} was garbage-collected without close()`;
  const action = record.ownsFd ? 'closing it now' : 'flushing it (the fd stays open: ownsFd is false)';
  process.emitWarning(`${what}; ${action}. Call close() or use "await using".`, { code: WARNING_CODE });
  flushAndClose(record, what);
}

/**
 * 'beforeExit': the loop ran dry with files still open. Close them, as CPython does at exit —
 * one turn later, so the program's own 'beforeExit' handlers (which may write to and close
 * their files) run first, whenever they were registered.
 */
function closeAtNaturalEnd(): void {
  if (openFiles.size > 0) setImmediate(closeUnclosed);
}

function closeUnclosed(): void {
  for (const record of [...openFiles]) {
    if (record.closing) continue;
    record.closing = true;
    const what = `${describe(record)} was still open when the program ended`;
    process.emitWarning(`${what}; ${record.ownsFd ? 'closing it now' : 'flushing it (the fd stays open: ownsFd is false)'}. Call close() or use "await using".`, { code: WARNING_CODE });
    const file = record.file.deref();
    if (file === undefined) {
      // Collected, its finalizer not run yet (Node 26 runs it after 'beforeExit'): one warning.
      leakRegistry.unregister(record);
      flushAndClose(record, what);
    } else {
      file.close().catch((err: Error) => {
        process.emitWarning(`${what}; closing it failed: ${err.message}`, { code: WARNING_CODE });
      });
    }
  }
}

/** A warning written before the process ends, in emitWarning's format. */
function warnNow(message: string): void {
  if (process.noDeprecation === true || process.execArgv.includes('--no-warnings') || process.env.NODE_NO_WARNINGS === '1') return;
  try {
    writeSync(2, `(node:${process.pid}) [${WARNING_CODE}] Warning: ${message}\n`);
  } catch {
    // stderr closed: nothing more to say
  }
}

/**
 * 'exit' (process.exit(), an uncaught exception, the end of a worker, or the natural end
 * after closeAtNaturalEnd): no loop turn will come, so settle what is in flight, then write
 * and close synchronously.
 */
function finishAtExit(): void {
  if (openFiles.size === 0) return;
  const records = [...openFiles];
  for (const backend of new Set(records.map((r) => r.backend))) backend.drainSync(0);
  for (const record of records) {
    const what = `${describe(record)} was still open at exit`;
    if (!record.closing) warnNow(`${what}; writing its buffered data${record.ownsFd ? ' and closing it' : ''}. Call close() or use "await using".`);
    try {
      // A file whose close() gave up waiting (closeTimeoutMs) is not written again: its
      // pending bytes are what a stuck pipe would not take.
      if (!record.io.isStopped) record.io.flushSync();
    } catch (err) {
      warnNow(`${what}; its buffered writes were lost: ${(err as Error).message}`);
    }
    // A close linked behind the final write (flushThen) may have settled in drainSync above.
    if (record.ownsFd && !record.io.fdClosed) record.closer.closeSync(record.io.fd);
    forget(record);
  }
}
