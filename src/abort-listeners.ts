/**
 * One 'abort' listener per AbortSignal for all of the library's calls waiting on it.
 *
 * A program that hands one signal to many calls at once (`AbortSignal.timeout(5000)` for a
 * `Promise.all` of readFiles) would otherwise get one listener per call in flight, and past
 * the signal's max listeners (10) Node prints a MaxListenersExceededWarning ("Possible
 * EventTarget memory leak detected") that node:fs's own calls, which add none, never cause.
 */

interface Listening {
  callbacks: Set<() => void>;
  listener: () => void;
}

const bySignal = new WeakMap<AbortSignal, Listening>();

/**
 * Run `onAbort` once when `signal` aborts (not at all when it has already aborted, as with
 * addEventListener). Returns what stops listening; the signal's one listener is removed with
 * its last callback, so a signal that never aborts keeps nothing of finished calls.
 */
export function whenAborted(signal: AbortSignal, onAbort: () => void): () => void {
  const listening = bySignal.get(signal) ?? startListening(signal);
  // A wrapper per call: one function given twice (or by two calls) still runs for each.
  const entry = (): void => onAbort();
  listening.callbacks.add(entry);
  return () => stopListening(signal, listening, entry);
}

function startListening(signal: AbortSignal): Listening {
  const listening: Listening = {
    callbacks: new Set(),
    listener: () => {
      bySignal.delete(signal);
      for (const run of [...listening.callbacks]) run();
      listening.callbacks.clear();
    },
  };
  bySignal.set(signal, listening);
  signal.addEventListener('abort', listening.listener, { once: true });
  return listening;
}

function stopListening(signal: AbortSignal, listening: Listening, entry: () => void): void {
  if (!listening.callbacks.delete(entry) || listening.callbacks.size > 0 || bySignal.get(signal) !== listening) return;
  bySignal.delete(signal);
  signal.removeEventListener('abort', listening.listener);
}
