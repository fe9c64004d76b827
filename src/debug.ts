/**
 * The debug log: ring setup, fallbacks, slow ops. On when `configure({ enableDebugLog: true })`
 * or when NODE_DEBUG names `ayafileio` (util.debuglog's rules: a comma-separated list, `*`
 * wildcards, case-insensitive). Lines go to stderr in util.debuglog's format:
 * `AYAFILEIO <pid>: <category>: <message>`.
 *
 * When off, debugLog() costs one boolean check; pass a function as the message so that
 * building the text is skipped too.
 */
import { debuglog } from 'node:util';
import { getConfig, subscribeConfig } from './config';

/**
 * Whether NODE_DEBUG names `ayafileio` by util.debuglog's rules, for hosts whose debuglog has
 * no `enabled` (Bun 1.4).
 */
function namedInNodeDebug(value: string | undefined): boolean {
  return (value ?? '').split(',').some((entry) => {
    const pattern = entry.trim().replace(/[|\\{}()[\]^$+?.]/g, '\\$&').replace(/\*/g, '.*');
    return pattern !== '' && new RegExp(`^${pattern}$`, 'i').test('ayafileio');
  });
}

/** Whether NODE_DEBUG enables the `ayafileio` section (decided once, at startup, like util.debuglog). */
const enabledByEnv: boolean = debuglog('ayafileio').enabled ?? namedInNodeDebug(process.env.NODE_DEBUG);

let enabled = enabledByEnv || getConfig().enableDebugLog;

subscribeConfig((config) => {
  enabled = enabledByEnv || config.enableDebugLog;
});

/** True when debug lines are written (check it before building an expensive message). */
export function isDebugEnabled(): boolean {
  return enabled;
}

/**
 * Write one debug line to stderr when the debug log is on; otherwise do nothing.
 * `message` may be a function, called only when the line is written.
 *
 * @example
 * debugLog('ring', () => `created: ${entries} entries, flags ${flags.join('|')}`);
 */
export function debugLog(category: string, message: string | (() => string)): void {
  if (!enabled) return;
  const text = typeof message === 'function' ? message() : message;
  process.stderr.write(`AYAFILEIO ${process.pid}: ${category}: ${text}\n`);
}
