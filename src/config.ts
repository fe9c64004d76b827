/**
 * Module configuration: `configure()`, `getConfig()`, `resetConfig()`.
 *
 * One configuration per JS realm. `configure()` validates every key it is given before it
 * changes anything (an invalid call applies nothing), then tells the subscribers (the engine
 * re-creates its ring for the io_uring options, the debug log and the buffer pool follow at
 * once). camelCase names are canonical; the seed's snake_case names are accepted as aliases.
 */
import { argTypeError, outOfRange } from './errors';
import { checkArgCount } from './file/validate';

/** Every option of configure(), with the seed's defaults. */
export interface AyafileioConfig {
  /**
   * How many files readFile/writeFile/appendFile hold open at once on one path; more calls
   * wait. (The name is the seed's: it caps open files; no handle is pooled.)
   */
  handlePoolMaxPerKey: number;
  /** How many files readFile/writeFile/appendFile hold open at once in total; more calls wait (caps open files, as above). */
  handlePoolMaxTotal: number;
  /** Cap on io_uring's kernel worker threads (bounded and unbounded); 0 = the kernel's default. */
  ioWorkerCount: number;
  /** How many idle file buffers the buffer pool keeps for reuse; 0 disables the pool. */
  bufferPoolMax: number;
  /** Default buffer size in bytes of files opened afterwards. */
  bufferSize: number;
  /** How long close() waits for in-flight ops before cancelling them, in milliseconds. */
  closeTimeoutMs: number;
  /** Submission queue entries of the io_uring ring (the kernel rounds up to a power of two). */
  ioUringQueueDepth: number;
  /** Create the ring with IORING_SETUP_SQPOLL (a kernel thread polls the submission queue). */
  ioUringSqpoll: boolean;
  /** Log the backend choice, ring setups and waits for open slots to stderr (as NODE_DEBUG=ayafileio does). */
  enableDebugLog: boolean;
}

/** The options configure() accepts: any subset, in camelCase or the seed's snake_case. */
export type ConfigureOptions = Partial<AyafileioConfig> & Partial<SnakeCaseConfig>;

type CamelToSnake<S extends string> = S extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}${CamelToSnake<Tail>}`
  : S;

/** The seed's snake_case spelling of every option (handle_pool_max_per_key, …). */
export type SnakeCaseConfig = { [K in keyof AyafileioConfig as CamelToSnake<K>]: AyafileioConfig[K] };

export const DEFAULT_CONFIG: Readonly<AyafileioConfig> = Object.freeze({
  handlePoolMaxPerKey: 64,
  handlePoolMaxTotal: 2048,
  ioWorkerCount: 0,
  bufferPoolMax: 512,
  bufferSize: 65536,
  closeTimeoutMs: 4000,
  ioUringQueueDepth: 256,
  ioUringSqpoll: false,
  enableDebugLog: false,
});

type OptionName = keyof AyafileioConfig;

/** How one option is checked: a boolean, or an integer within [min, max]. */
type OptionRule = { kind: 'boolean' } | { kind: 'integer'; min: number; max: number };

/** The accepted range of every option (docs/api.md documents the same table). */
export const OPTION_RULES: Readonly<Record<OptionName, OptionRule>> = Object.freeze({
  handlePoolMaxPerKey: { kind: 'integer', min: 1, max: 65536 },
  handlePoolMaxTotal: { kind: 'integer', min: 1, max: 1048576 },
  ioWorkerCount: { kind: 'integer', min: 0, max: 4096 },
  bufferPoolMax: { kind: 'integer', min: 0, max: 65536 },
  bufferSize: { kind: 'integer', min: 1, max: 2 ** 30 },
  closeTimeoutMs: { kind: 'integer', min: 0, max: 2 ** 31 - 1 },
  ioUringQueueDepth: { kind: 'integer', min: 1, max: 32768 },
  ioUringSqpoll: { kind: 'boolean' },
  enableDebugLog: { kind: 'boolean' },
});

const OPTION_NAMES = Object.keys(OPTION_RULES) as OptionName[];

function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Spelling as the user may write it -> canonical camelCase name. */
const SPELLINGS: ReadonlyMap<string, OptionName> = new Map(
  OPTION_NAMES.flatMap((name) => [[name, name], [snakeCase(name), name]] as [string, OptionName][]),
);

let current: AyafileioConfig = { ...DEFAULT_CONFIG };

/** A copy of the configuration in force (changing it changes nothing: use configure()). */
export function getConfig(): AyafileioConfig {
  checkArgCount(arguments.length, 0, 'getConfig()');
  return { ...current };
}

type ConfigListener = (config: Readonly<AyafileioConfig>, previous: Readonly<AyafileioConfig>) => void;
const listeners: ConfigListener[] = [];

/** Internal: be told after every successful configure()/resetConfig() (the engine re-sizes its ring). */
export function subscribeConfig(listener: ConfigListener): void {
  listeners.push(listener);
}

/**
 * Internal: replace the configuration (already validated) and tell every subscriber. A
 * subscriber that throws does not stop the others; the first error is rethrown afterwards.
 */
export function applyConfig(next: AyafileioConfig): void {
  const previous = current;
  current = { ...next };
  const errors: unknown[] = [];
  for (const listener of listeners) {
    try {
      listener(current, previous);
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length > 0) throw errors[0];
}

/** How Node's argument errors show a received value: `type string ('x')`, `an instance of Foo`, `null`. */
export function describeReceived(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'function') return `function ${value.name || '<anonymous>'}`;
  if (typeof value === 'object') return `an instance of ${value.constructor?.name ?? 'Object'}`;
  const shown = typeof value === 'string' ? `'${value}'` : String(value);
  return `type ${typeof value} (${shown})`;
}

/** Check one option's value against its rule; throws the Node-style argument error. */
function validateOption(key: string, name: OptionName, value: unknown): void {
  const rule = OPTION_RULES[name];
  const label = `options.${key}`;
  const expected = rule.kind === 'boolean' ? 'boolean' : 'number';
  if (typeof value !== expected) {
    throw argTypeError(
      'ERR_INVALID_ARG_TYPE',
      `The "${label}" property must be of type ${expected}. Received ${describeReceived(value)}`,
    );
  }
  if (rule.kind === 'integer') {
    const n = value as number;
    if (!Number.isInteger(n)) throw outOfRange(label, 'an integer', n);
    if (n < rule.min || n > rule.max) throw outOfRange(label, `>= ${rule.min} && <= ${rule.max}`, n);
  }
}

/**
 * Validate `options` completely and return the changes it asks for, in canonical names.
 * Keys whose value is `undefined` are treated as absent.
 */
export function validateConfigureOptions(options: unknown): Partial<AyafileioConfig> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw argTypeError(
      'ERR_INVALID_ARG_TYPE',
      `The "options" argument must be of type object. Received ${describeReceived(options)}`,
    );
  }
  const changes: Partial<AyafileioConfig> = {};
  const spelledAs = new Map<OptionName, string>();
  for (const [key, value] of Object.entries(options)) {
    const name = SPELLINGS.get(key);
    if (name === undefined) {
      throw argTypeError(
        'ERR_INVALID_ARG_VALUE',
        `The property 'options.${key}' is not an option of configure(). Known options: ${OPTION_NAMES.join(', ')}`,
      );
    }
    if (value === undefined) continue;
    validateOption(key, name, value);
    const other = spelledAs.get(name);
    if (other !== undefined && (changes as Record<string, unknown>)[name] !== value) {
      throw argTypeError(
        'ERR_INVALID_ARG_VALUE',
        `The properties 'options.${other}' and 'options.${key}' name the same option with different values`,
      );
    }
    spelledAs.set(name, key);
    (changes as Record<string, unknown>)[name] = value;
  }
  return changes;
}

/**
 * Change some options. Every key is validated first: an unknown key, a value of the wrong
 * type, a non-integer or an out-of-range value throws a TypeError/RangeError (code
 * ERR_INVALID_ARG_VALUE / ERR_INVALID_ARG_TYPE / ERR_OUT_OF_RANGE) naming the key, and
 * nothing is applied. Returns a copy of the configuration now in force.
 *
 * @example
 * configure({ bufferSize: 128 * 1024, ioUringQueueDepth: 512 });
 */
export function configure(options: ConfigureOptions): AyafileioConfig {
  checkArgCount(arguments.length, 1, 'configure(options)');
  const changes = validateConfigureOptions(options);
  applyConfig({ ...current, ...changes });
  return getConfig();
}

/** Restore every option to its default (DEFAULT_CONFIG). Returns a copy of the defaults. */
export function resetConfig(): AyafileioConfig {
  checkArgCount(arguments.length, 0, 'resetConfig()');
  applyConfig(DEFAULT_CONFIG);
  return getConfig();
}
