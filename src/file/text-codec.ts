/**
 * Stateless text codecs for the text layer: every codec decodes a byte run on its own and
 * leaves an incomplete trailing sequence undecoded (the caller keeps those bytes and offers
 * them again with the next run). Because no decoder state survives between runs, any byte
 * position at a character boundary is a clean restart point, which is what makes the text
 * layer's tell() cookie a plain byte position.
 *
 * Names follow Python where Python and WHATWG disagree ('latin-1' and 'ascii' are the real
 * ISO-8859-1 and US-ASCII here, not windows-1252; 'utf-16' reads the byte order from a mark
 * and writes one); any other WHATWG single-byte label works through a table built from
 * Node's TextDecoder.
 */
import { TextDecoder } from 'node:util';
import { argTypeError } from '../errors';

/** How undecodable bytes and unencodable characters are handled (Python's `errors`). */
export type ErrorMode = 'strict' | 'replace' | 'ignore';

/** The result of decoding one byte run. */
export interface Decoded {
  /** The decoded text. */
  text: string;
  /** Bytes used; the rest is an incomplete trailing sequence (or starts at `errorAt`). */
  consumed: number;
  /**
   * When errors were replaced or ignored: [text index, byte offset] before and after every
   * replaced or ignored byte range, ascending; between marks, text and bytes correspond.
   */
  marks?: Array<[number, number]>;
  /** strict only: offset of the first invalid byte; decoding stopped there. */
  errorAt?: number;
  /** strict only: how many bytes from errorAt are invalid. */
  errorLength?: number;
}

/** An encoding bound to an error mode. */
export interface Codec {
  /** Canonical name, as reported by the file's `encoding` property. */
  readonly name: string;
  /** Decode `bytes`; unless `final`, an incomplete trailing sequence is left unconsumed. */
  decode(bytes: Buffer, final: boolean): Decoded;
  /** Byte length of `text` when it was decoded without errors (exact inverse of decode). */
  byteLength(text: string): number;
  /** Encode `text`, applying the error mode to unencodable characters. */
  encode(text: string): Buffer;
  /**
   * The Node encoding that turns `text` into exactly what encode() would, when one does (no
   * character needs the error mode), so it can be written without an intermediate Buffer.
   */
  directEncoding?(text: string): BufferEncoding | undefined;
  /** Set for encodings whose files start with a byte order mark ('utf-16', 'utf-8-sig'). */
  readonly bom?: ByteOrderMark;
}

/** How an encoding with a byte order mark reads and writes it. */
export interface ByteOrderMark {
  /** The mark written before text at the start of the file. */
  readonly mark: Buffer;
  /**
   * From the first bytes of the file: the codec to use (its byte order) and how many bytes of
   * mark to skip; undefined while more bytes could change the answer (never when `final`).
   */
  sniff(head: Buffer, final: boolean): [Codec, number] | undefined;
}

/** The error a strict decode raises, shaped like Node's TextDecoder error. */
export interface DecodeError extends TypeError {
  code: 'ERR_ENCODING_INVALID_ENCODED_DATA';
  /** The encoding's name. */
  encoding: string;
  /** Absolute byte position of the first invalid byte in the file. */
  position: number;
}

/** Build the strict decoding error for `length` bad bytes `bad` at absolute `position`. */
export function decodeError(encoding: string, bad: Buffer, position: number): DecodeError {
  const err = new TypeError(
    `The encoded data was not valid for encoding ${encoding}: ` +
      `byte(s) 0x${bad.toString('hex')} at position ${position}`,
  ) as DecodeError;
  err.code = 'ERR_ENCODING_INVALID_ENCODED_DATA';
  err.encoding = encoding;
  err.position = position;
  return err;
}

function encodeError(encoding: string, char: string, index: number): TypeError & { code: string } {
  const cp = char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  return argTypeError(
    'ERR_INVALID_ARG_VALUE',
    `The character U+${cp} at index ${index} cannot be encoded in ${encoding}`,
  );
}

/** Encode with a per-character test: characters failing `ok` are handled per `errors`. */
function encodeChecked(
  text: string,
  encoding: string,
  errors: ErrorMode,
  bad: RegExp,
  ok: (cp: number) => boolean,
  fast: (s: string) => Buffer,
): Buffer {
  if (!bad.test(text)) return fast(text);
  let out = '';
  let index = 0;
  for (const ch of text) {
    if (ok(ch.codePointAt(0)!) && !isLoneSurrogate(ch)) out += ch;
    else if (errors === 'strict') throw encodeError(encoding, ch, index);
    else if (errors === 'replace') out += '?';
    index += ch.length;
  }
  return fast(out);
}

function isLoneSurrogate(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return ch.length === 1 && c >= 0xd800 && c <= 0xdfff;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Apply `errors` to the invalid byte ranges `bad` of `bytes[0, end)`. */
function rebuild(
  bytes: Buffer,
  end: number,
  bad: Array<[number, number]>,
  errors: ErrorMode,
  decodeRun: (b: Buffer, s: number, e: number) => string,
): Decoded {
  if (errors === 'strict') {
    const [s, e] = bad[0];
    return { text: decodeRun(bytes, 0, s), consumed: s, errorAt: s, errorLength: e - s };
  }
  let text = '';
  let at = 0;
  const marks: Array<[number, number]> = [];
  for (const [s, e] of bad) {
    text += decodeRun(bytes, at, s);
    marks.push([text.length, s]);
    if (errors === 'replace') text += '\ufffd';
    marks.push([text.length, e]);
    at = e;
  }
  text += decodeRun(bytes, at, end);
  return { text, consumed: end, marks };
}

// ---- UTF-8 -------------------------------------------------------------------------------

/** Length and allowed second-byte range of the UTF-8 sequence led by `x` (0: invalid lead). */
function utf8Lead(x: number): [number, number, number] {
  if (x >= 0xc2 && x <= 0xdf) return [2, 0x80, 0xbf];
  if (x >= 0xe0 && x <= 0xef) return [3, x === 0xe0 ? 0xa0 : 0x80, x === 0xed ? 0x9f : 0xbf];
  if (x >= 0xf0 && x <= 0xf4) return [4, x === 0xf0 ? 0x90 : 0x80, x === 0xf4 ? 0x8f : 0xbf];
  return [0, 0, 0];
}

/**
 * Invalid ranges of bytes[0, end) as maximal subparts (the Unicode/WHATWG practice Python
 * follows too: one U+FFFD per maximal invalid subsequence).
 */
function utf8InvalidRanges(b: Buffer, end: number): Array<[number, number]> {
  const bad: Array<[number, number]> = [];
  let i = 0;
  while (i < end) {
    const x = b[i];
    if (x < 0x80) {
      i++;
      continue;
    }
    const [len, lo0, hi0] = utf8Lead(x);
    if (len === 0) {
      bad.push([i, i + 1]);
      i++;
      continue;
    }
    let j = i + 1;
    let lo = lo0;
    let hi = hi0;
    while (j < i + len && j < end && b[j] >= lo && b[j] <= hi) {
      lo = 0x80;
      hi = 0xbf;
      j++;
    }
    if (j < i + len) bad.push([i, j]);
    i = j;
  }
  return bad;
}

/** How many trailing bytes form a valid but incomplete UTF-8 sequence. */
function utf8IncompleteTail(b: Buffer): number {
  const n = b.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const x = b[n - back];
    if (x >= 0x80 && x <= 0xbf) continue;
    const [len, lo, hi] = utf8Lead(x);
    if (len <= back) return 0;
    for (let k = n - back + 1; k < n; k++) {
      const min = k === n - back + 1 ? lo : 0x80;
      const max = k === n - back + 1 ? hi : 0xbf;
      if (b[k] < min || b[k] > max) return 0;
    }
    return back;
  }
  return 0;
}

function utf8Run(b: Buffer, s: number, e: number): string {
  return b.toString('utf8', s, e);
}

function utf8Codec(errors: ErrorMode): Codec {
  return {
    name: 'utf-8',
    decode(bytes, final) {
      const end = final ? bytes.length : bytes.length - utf8IncompleteTail(bytes);
      const text = bytes.toString('utf8', 0, end);
      if (!text.includes('\ufffd')) return { text, consumed: end };
      const bad = utf8InvalidRanges(bytes, end);
      if (bad.length === 0) return { text, consumed: end };
      return rebuild(bytes, end, bad, errors, utf8Run);
    },
    byteLength: (text) => Buffer.byteLength(text, 'utf8'),
    encode: (text) =>
      encodeChecked(text, 'utf-8', errors, LONE_SURROGATE, () => true, (s) => Buffer.from(s, 'utf8')),
    directEncoding: (text) => (LONE_SURROGATE.test(text) ? undefined : 'utf8'),
  };
}

// ---- UTF-16 ------------------------------------------------------------------------------

/** Invalid 2-byte units (lone surrogates) and a trailing odd byte of bytes[0, end). */
function utf16InvalidRanges(text: string, end: number): Array<[number, number]> {
  const bad: Array<[number, number]> = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    const next = text.charCodeAt(i + 1);
    if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i++;
    else bad.push([2 * i, 2 * i + 2]);
  }
  if (end & 1) {
    // A high surrogate cut off by the end of the data is one error with the odd byte (Python).
    const last = bad[bad.length - 1];
    const cutHigh = last !== undefined && last[1] === end - 1 && text.charCodeAt(last[0] / 2) <= 0xdbff;
    if (cutHigh) last[1] = end;
    else bad.push([end - 1, end]);
  }
  return bad;
}

function utf16Codec(errors: ErrorMode, bigEndian: boolean): Codec {
  const name = bigEndian ? 'utf-16be' : 'utf-16le';
  const toLE = (b: Buffer, s: number, e: number): Buffer => {
    const run = Buffer.from(b.subarray(s, e - ((e - s) & 1)));
    return bigEndian ? run.swap16() : run;
  };
  const run = (b: Buffer, s: number, e: number): string => toLE(b, s, e).toString('utf16le');
  return {
    name,
    decode(bytes, final) {
      let end = bytes.length;
      if (!final) {
        end -= end & 1;
        const last = end >= 2 ? (bigEndian ? bytes.readUInt16BE(end - 2) : bytes.readUInt16LE(end - 2)) : 0;
        if (last >= 0xd800 && last <= 0xdbff) end -= 2;
      }
      const text = bigEndian ? run(bytes, 0, end) : bytes.toString('utf16le', 0, end);
      if ((end & 1) === 0 && !LONE_SURROGATE.test(text)) return { text, consumed: end };
      return rebuild(bytes, end, utf16InvalidRanges(text, end), errors, run);
    },
    byteLength: (text) => 2 * text.length,
    encode(text) {
      const le = encodeChecked(text, name, errors, LONE_SURROGATE, () => true, (s) => Buffer.from(s, 'utf16le'));
      return bigEndian ? le.swap16() : le;
    },
  };
}

// ---- encodings with a byte order mark (Python's 'utf-16' and 'utf-8-sig') ---------------

const UTF16_LE_MARK = Buffer.from([0xff, 0xfe]);
const UTF16_BE_MARK = Buffer.from([0xfe, 0xff]);
const UTF8_MARK = Buffer.from([0xef, 0xbb, 0xbf]);

/** Python's 'utf-16': the mark decides the byte order (little-endian without one). */
function utf16BomCodec(errors: ErrorMode, bigEndian: boolean): Codec {
  const sniff = (head: Buffer, final: boolean): [Codec, number] | undefined => {
    if (head.length < 2 && !final) return undefined;
    if (head.subarray(0, 2).equals(UTF16_BE_MARK)) return [utf16BomCodec(errors, true), 2];
    return [utf16BomCodec(errors, false), head.subarray(0, 2).equals(UTF16_LE_MARK) ? 2 : 0];
  };
  return { ...utf16Codec(errors, bigEndian), name: 'utf-16', bom: { mark: bigEndian ? UTF16_BE_MARK : UTF16_LE_MARK, sniff } };
}

/** Python's 'utf-8-sig': UTF-8 that skips a leading mark on read and writes one at the start. */
function utf8SigCodec(errors: ErrorMode): Codec {
  const codec: Codec = {
    ...utf8Codec(errors),
    name: 'utf-8-sig',
    bom: {
      mark: UTF8_MARK,
      sniff(head, final) {
        const n = Math.min(head.length, 3);
        const prefix = head.subarray(0, n).equals(UTF8_MARK.subarray(0, n));
        if (prefix && n < 3 && !final) return undefined;
        return [codec, prefix && n === 3 ? 3 : 0];
      },
    },
  };
  return codec;
}

// ---- single-byte encodings ---------------------------------------------------------------

/** A single-byte codec from a 256-entry table (undefined: the byte is not mapped). */
function tableCodec(name: string, errors: ErrorMode, table: Array<string | undefined>): Codec {
  const reverse = new Map<number, number>();
  table.forEach((ch, byte) => {
    if (ch !== undefined && !reverse.has(ch.charCodeAt(0))) reverse.set(ch.charCodeAt(0), byte);
  });
  const run = (b: Buffer, s: number, e: number): string => {
    let out = '';
    for (let i = s; i < e; i++) out += table[b[i]]!;
    return out;
  };
  return {
    name,
    decode(bytes, _final) {
      const bad: Array<[number, number]> = [];
      for (let i = 0; i < bytes.length; i++) if (table[bytes[i]] === undefined) bad.push([i, i + 1]);
      if (bad.length === 0) return { text: run(bytes, 0, bytes.length), consumed: bytes.length };
      return rebuild(bytes, bytes.length, bad, errors, run);
    },
    byteLength: (text) => text.length,
    encode(text) {
      const ok = (cp: number): boolean => reverse.has(cp);
      return encodeChecked(text, name, errors, /[^]/, ok, (s) => {
        const out = Buffer.allocUnsafe(s.length);
        for (let i = 0; i < s.length; i++) out[i] = reverse.get(s.charCodeAt(i))!;
        return out;
      });
    },
  };
}

function latin1Codec(errors: ErrorMode): Codec {
  return {
    name: 'latin-1',
    decode: (bytes) => ({ text: bytes.toString('latin1'), consumed: bytes.length }),
    byteLength: (text) => text.length,
    encode: (text) =>
      encodeChecked(text, 'latin-1', errors, /[^\x00-\xff]/, (cp) => cp <= 0xff, (s) => Buffer.from(s, 'latin1')),
  };
}

function asciiCodec(errors: ErrorMode): Codec {
  const run = (b: Buffer, s: number, e: number): string => b.toString('latin1', s, e);
  return {
    name: 'ascii',
    decode(bytes) {
      const text = bytes.toString('latin1');
      if (!/[\x80-\xff]/.test(text)) return { text, consumed: bytes.length };
      const bad: Array<[number, number]> = [];
      for (let i = 0; i < bytes.length; i++) if (bytes[i] >= 0x80) bad.push([i, i + 1]);
      return rebuild(bytes, bytes.length, bad, errors, run);
    },
    byteLength: (text) => text.length,
    encode: (text) =>
      encodeChecked(text, 'ascii', errors, /[^\x00-\x7f]/, (cp) => cp <= 0x7f, (s) => Buffer.from(s, 'latin1')),
  };
}

/** The 256-entry table of a WHATWG single-byte encoding, or undefined if it is not one. */
function whatwgSingleByteTable(label: string): [string, Array<string | undefined>] | undefined {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label, { fatal: true });
  } catch {
    return undefined;
  }
  if (!SINGLE_BYTE_WHATWG.has(decoder.encoding)) return undefined;
  const table: Array<string | undefined> = [];
  for (let byte = 0; byte < 256; byte++) {
    try {
      table.push(decoder.decode(Uint8Array.of(byte)));
    } catch {
      table.push(undefined);
    }
  }
  if (decoder.encoding === 'windows-1252') table.splice(0x80, 32, ...WINDOWS_1252_80_9F);
  return [decoder.encoding, table];
}

/**
 * windows-1252 bytes 0x80-0x9F per the WHATWG Encoding Standard. Node 20's TextDecoder
 * decodes 'windows-1252' as ISO-8859-1 (since 20.18.3: nodejs/node#56542, #60888), so
 * this range is not taken from it.
 */
const WINDOWS_1252_80_9F = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039,
  0x152, 0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
  0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
].map((cp) => String.fromCharCode(cp));

const SINGLE_BYTE_WHATWG = new Set([
  'ibm866', 'iso-8859-2', 'iso-8859-3', 'iso-8859-4', 'iso-8859-5', 'iso-8859-6', 'iso-8859-7',
  'iso-8859-8', 'iso-8859-8-i', 'iso-8859-10', 'iso-8859-13', 'iso-8859-14', 'iso-8859-15',
  'iso-8859-16', 'koi8-r', 'koi8-u', 'macintosh', 'windows-874', 'windows-1250', 'windows-1251',
  'windows-1252', 'windows-1253', 'windows-1254', 'windows-1255', 'windows-1256',
  'windows-1257', 'windows-1258', 'x-mac-cyrillic', 'x-user-defined',
]);

/** Python's and Node's names for the encodings implemented here, after `squash`. */
const NATIVE: Record<string, (errors: ErrorMode) => Codec> = {
  utf8: utf8Codec,
  u8: utf8Codec,
  utf: utf8Codec,
  cp65001: utf8Codec,
  utf16: (e) => utf16BomCodec(e, false),
  utf8sig: utf8SigCodec,
  utf16le: (e) => utf16Codec(e, false),
  ucs2: (e) => utf16Codec(e, false),
  unicodelittleunmarked: (e) => utf16Codec(e, false),
  utf16be: (e) => utf16Codec(e, true),
  unicodebigunmarked: (e) => utf16Codec(e, true),
  latin1: latin1Codec,
  latin: latin1Codec,
  l1: latin1Codec,
  iso88591: latin1Codec,
  cp819: latin1Codec,
  '8859': latin1Codec,
  binary: latin1Codec,
  ascii: asciiCodec,
  usascii: asciiCodec,
  '646': asciiCodec,
};

/** Lower-case and drop '-', '_', ' ' and '.', so 'UTF_8', 'utf-8' and 'Utf8' compare equal. */
function squash(name: string): string {
  return name.toLowerCase().replace(/[-_ .]/g, '');
}

/**
 * The codec for `encoding` (case-insensitive; Python's and Node's spellings and the WHATWG
 * single-byte labels). Throws a TypeError with code ERR_INVALID_ARG_VALUE for anything else,
 * including WHATWG multi-byte legacy encodings (their decoders keep hidden state).
 */
export function getCodec(encoding: string, errors: ErrorMode): Codec {
  const key = `${errors}:${encoding}`;
  let codec = nativeCodecs.get(key);
  if (codec === undefined) {
    const native = NATIVE[squash(encoding)];
    if (native === undefined) return otherCodec(encoding, errors);
    codec = native(errors);
    if (nativeCodecs.size < NATIVE_CODECS_KEPT) nativeCodecs.set(key, codec);
  }
  return codec;
}

/**
 * Codecs made for an errors mode and an encoding spelling, reused (they keep no state between
 * calls: a file's decoding state lives in its TextFile); a file per record opens with the same
 * ones each time. Spellings are the caller's, so only the first few are kept.
 */
const nativeCodecs = new Map<string, Codec>();
const NATIVE_CODECS_KEPT = 64;

/** getCodec() for an encoding that is not one of NATIVE's. */
function otherCodec(encoding: string, errors: ErrorMode): Codec {
  const single = whatwgSingleByteTable(encoding.trim());
  if (single) return tableCodec(single[0], errors, single[1]);
  throw argTypeError(
    'ERR_INVALID_ARG_VALUE',
    `The encoding '${encoding}' is not supported for text files ` +
      `(supported: utf-8, utf-8-sig, utf-16, utf-16le, utf-16be, latin-1, ascii and the WHATWG ` +
      `single-byte encodings)`,
  );
}
