/**
 * Python's `newline` parameter (io.TextIOWrapper) and code-point counting for the text layer.
 *
 * On read: undefined (None) translates '\r\n' and '\r' to '\n' and ends lines at '\n';
 * '' ends lines at '\r', '\n' or '\r\n' without translating; '\n', '\r', '\r\n' end lines only
 * at that string, untranslated. On write: undefined turns '\n' into os.EOL; '\r' and '\r\n'
 * turn '\n' into themselves; '' and '\n' write text unchanged.
 */
import { EOL } from 'node:os';

/** Python's newline argument. */
export type Newline = undefined | '' | '\n' | '\r' | '\r\n';

/**
 * True when a '\r' at the end of decoded text must wait for the next character: in
 * universal modes it may be the first half of '\r\n'.
 */
export function holdsBackCR(newline: Newline): boolean {
  return newline === undefined || newline === '';
}

/** Translate '\r\n' and '\r' to '\n' (universal newlines on read). */
export function translateUniversal(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/**
 * Where the line starting at or before `from` ends (in untranslated text: newline undefined
 * ends lines where '' does): the index just past its terminator, or
 * -1 when `text` holds no complete terminator at or after `from`. `more` says whether more
 * text may follow (a final '\r' may then still become '\r\n').
 */
export function findLineEnd(text: string, from: number, newline: Newline, more: boolean): number {
  if (newline === '\n') {
    const i = text.indexOf('\n', from);
    return i === -1 ? -1 : i + 1;
  }
  if (newline === '\r') {
    const i = text.indexOf('\r', from);
    return i === -1 ? -1 : i + 1;
  }
  if (newline === '\r\n') {
    const i = text.indexOf('\r\n', from);
    return i === -1 ? -1 : i + 2;
  }
  ANY_NEWLINE.lastIndex = from;
  const m = ANY_NEWLINE.exec(text);
  if (!m) return -1;
  const i = m.index;
  if (text.charCodeAt(i) === 10) return i + 1;
  if (i + 1 < text.length) return text.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
  return more ? -1 : i + 1;
}

const ANY_NEWLINE = /[\r\n]/g;

/** Where to resume a line-end search after text grows (a terminator may straddle the end). */
export function resumeSearchAt(length: number, newline: Newline): number {
  return newline === '\n' || newline === '\r' ? length : Math.max(0, length - 1);
}

/** Translate '\n' for writing, per `newline`. */
export function translateForWrite(text: string, newline: Newline): string {
  const target = newline === undefined ? EOL : newline;
  if (target === '' || target === '\n' || !text.includes('\n')) return text;
  return text.replace(/\n/g, target);
}

/**
 * The UTF-16 index just past `count` characters of `text` starting at `from`, or text.length
 * if fewer remain, and how many it passed. A surrogate pair is one character (a code point),
 * and so is '\r\n' when `crlfIsOne` (it will be translated to one '\n').
 */
export function advanceChars(text: string, from: number, count: number, crlfIsOne: boolean): [number, number] {
  let i = from;
  let n = 0;
  const end = text.length;
  while (n < count && i < end) {
    const c = text.charCodeAt(i);
    const next = i + 1 < end ? text.charCodeAt(i + 1) : -1;
    i += (c >= 0xd800 && c <= 0xdbff && isLow(next)) || (crlfIsOne && c === 13 && next === 10) ? 2 : 1;
    n++;
  }
  return [i, n];
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** A high surrogate: without one, every UTF-16 unit of a string is a code point. */
const HIGH_SURROGATE = /[\ud800-\udbff]/;

/** Number of code points in `text`. */
export function countCodePoints(text: string): number {
  if (!HIGH_SURROGATE.test(text)) return text.length; // the usual case, at native speed
  let n = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && isLow(text.charCodeAt(i + 1))) {
      n--;
      i++;
    }
  }
  return n;
}
