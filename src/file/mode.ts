/**
 * Python's open() mode strings, parsed into O_* flags and capabilities.
 *
 * The rules are CPython's (Modules/_io/_iomodule.c): characters from "rwaxbt+", each at most
 * once, in any order; exactly one of 'r', 'w', 'a', 'x'; not both 'b' and 't'.
 */
import { constants } from 'node:fs';
import { argTypeError } from '../errors';

/** What a mode string means. */
export interface ParsedMode {
  /** The mode string as given (what AsyncFile.mode reports, like Python's file.mode). */
  readonly mode: string;
  /** O_* flags for open(2). */
  readonly flags: number;
  readonly readable: boolean;
  readonly writable: boolean;
  /** Writes go to the end of the file (O_APPEND). */
  readonly append: boolean;
  /** The file is created if missing (O_CREAT). */
  readonly create: boolean;
  /** The file is emptied on open (O_TRUNC). */
  readonly truncate: boolean;
  /** open fails with EEXIST if the file exists (O_EXCL). */
  readonly exclusive: boolean;
  /** Bytes in and out ('b'); otherwise text. */
  readonly binary: boolean;
}

const MODE_CHARS = 'rwaxbt+';

function invalidMode(mode: string): TypeError {
  return argTypeError(
    'ERR_INVALID_ARG_VALUE',
    `The argument 'mode' must be one of 'r', 'w', 'a', 'x' with optional 'b' or 't' and '+'. Received '${mode}'`,
  );
}

/** Count each mode character; null when a character is unknown or repeated. */
function countModeChars(mode: string): Set<string> | null {
  const seen = new Set<string>();
  for (const c of mode) {
    if (!MODE_CHARS.includes(c) || seen.has(c)) return null;
    seen.add(c);
  }
  return seen;
}

/** The O_* flags for a primary mode letter and '+'. */
function openFlags(kind: string, plus: boolean): number {
  const access = plus ? constants.O_RDWR : kind === 'r' ? constants.O_RDONLY : constants.O_WRONLY;
  switch (kind) {
    case 'w':
      return access | constants.O_CREAT | constants.O_TRUNC;
    case 'a':
      return access | constants.O_CREAT | constants.O_APPEND;
    case 'x':
      return access | constants.O_CREAT | constants.O_EXCL;
    default:
      return access;
  }
}

/**
 * Parse a Python mode string such as 'r', 'rb', 'w+', 'a+b', 'bx'.
 * Throws TypeError ERR_INVALID_ARG_TYPE for a non-string, ERR_INVALID_ARG_VALUE for a bad mode.
 */
export function parseMode(mode: unknown): ParsedMode {
  if (typeof mode !== 'string') {
    throw argTypeError('ERR_INVALID_ARG_TYPE', `The "mode" argument must be of type string. Received ${typeof mode}`);
  }
  let parsed = parsedModes.get(mode);
  if (parsed === undefined) {
    parsed = Object.freeze(parseValidMode(mode));
    parsedModes.set(mode, parsed); // at most 76 entries: only valid modes get here
  }
  return parsed;
}

/** Valid mode strings already parsed (a file per record opens with the same mode each time). */
const parsedModes = new Map<string, ParsedMode>();

function parseValidMode(mode: string): ParsedMode {
  const chars = countModeChars(mode);
  if (chars === null) throw invalidMode(mode);
  const kinds = ['r', 'w', 'a', 'x'].filter((k) => chars.has(k));
  if (kinds.length !== 1 || (chars.has('b') && chars.has('t'))) throw invalidMode(mode);
  const kind = kinds[0];
  const plus = chars.has('+');
  return {
    mode,
    flags: openFlags(kind, plus),
    readable: kind === 'r' || plus,
    writable: kind !== 'r' || plus,
    append: kind === 'a',
    create: kind !== 'r',
    truncate: kind === 'w',
    exclusive: kind === 'x',
    binary: chars.has('b'),
  };
}
