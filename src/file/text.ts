/**
 * TextFile: Python's TextIOWrapper semantics over a BufferedIO, without its position bugs.
 *
 * Reading decodes chunks of bytes into a read-ahead window of text. The window remembers
 * the byte position where its text starts, and every codec here is stateless between runs
 * (an incomplete trailing sequence stays as undecoded bytes), so the byte position of any
 * character in the window can be computed exactly. That byte position IS the tell() cookie:
 * seek(tell()) is always clean, and writes/truncates after reads happen at the logical
 * position (the BufferedIO, which has read ahead, is moved back first).
 *
 * The window holds text as decoded, before newline translation (translation happens as text
 * is returned), so window indices map to bytes without any newline bookkeeping. Text decoded
 * while a read looks for its end is kept as a list of pieces, each searched once (with the one
 * character before it, for a terminator split between pieces) and joined once when the read
 * returns: a read is linear in the length of what it returns, however long the line. In the
 * universal newline modes (undefined and '') a '\r' at the end of decoded text is held back
 * as undecoded bytes until the next character is known, so '\r\n' is never split between
 * two pieces and no "pending '\r'" state ever needs to be part of a cookie.
 *
 * Errors (all rejections): a non-string write → TypeError ERR_INVALID_ARG_TYPE; a character
 * the encoding cannot represent (errors 'strict') → TypeError ERR_INVALID_ARG_VALUE and
 * nothing is written; undecodable bytes (errors 'strict') → TypeError
 * ERR_ENCODING_INVALID_ENCODED_DATA (see text-codec.ts), raised only when reading reaches
 * them, with the position unchanged; seek(n, 1) / seek(n, 2) with n ≠ 0 → TypeError
 * ERR_INVALID_ARG_VALUE (Python's "can't do nonzero cur-relative seeks"); a bad whence →
 * TypeError ERR_INVALID_ARG_VALUE; a negative position → RangeError ERR_OUT_OF_RANGE;
 * reading a write-only file or writing/truncating a read-only one → EBADF (even read(0) and
 * write(''), as in Python).
 *
 * On a file that cannot seek (pipe, terminal) reads and writes are independent streams: the
 * read-ahead is kept across writes, and tell()/seek()/truncate() reject as the buffer does.
 */
import { argTypeError, outOfRange, systemError } from '../errors';
import { getCodec, decodeError, type Codec } from './text-codec';
import {
  advanceChars,
  countCodePoints,
  findLineEnd,
  holdsBackCR,
  resumeSearchAt,
  translateForWrite,
  translateUniversal,
} from './newline';
import type { BufferedIO, TextIO, TextOptions, Whence } from './types';

/** Bytes asked of the BufferedIO per decode step (CPython's _CHUNK_SIZE). */
export const TEXT_CHUNK_SIZE = 8192;

/** Decoded text read ahead of the logical position, and where its bytes came from. */
interface ReadWindow {
  /** Absolute byte position of text[0] (a clean decoder state). */
  start: number;
  /** Bytes decoded into the window's text. */
  byteLength: number;
  /** Decoded text, not yet newline-translated: `text` followed by `pieces` (see flatText). */
  text: string;
  /** Text decoded after `text`, not joined to it yet. */
  pieces: string[];
  /** UTF-16 length of the window's text (`text` and `pieces`). */
  length: number;
  /** UTF-16 index in the window's text of the next character to return. */
  pos: number;
  /**
   * [text index, byte offset in the window] around each replaced or ignored byte range
   * (see Decoded.marks); empty when the window decoded without errors.
   */
  marks: Array<[number, number]>;
  /** Bytes after the decoded ones that could not be decoded yet. */
  undecoded: Buffer;
}

const EMPTY = Buffer.alloc(0);

/**
 * Python's TextIOWrapper over a BufferedIO; see the module comment for the guarantees.
 * Arguments arrive checked (AsyncFile validates once, at the public edge); what is checked
 * here is what only text mode refuses (seek to anything but a cookie).
 */
export class TextFile implements TextIO {
  /** The codec in use; for 'utf-16' it changes once the byte order mark has been read. */
  private codec: Codec;
  /** False until the byte order of a 'utf-16'/'utf-8-sig' file is known (read or written). */
  private markKnown: boolean;
  /** A write has put the position past byte 0 and no seek() came since (so no mark is due). */
  private pastStart = false;
  private readonly newline: TextOptions['newline'];
  private readonly crBytes: Buffer;
  private window: ReadWindow | null = null;

  /**
   * Wrap `buffered`. Throws a TypeError (ERR_INVALID_ARG_VALUE) at once for an unsupported
   * encoding, so open() can reject before any I/O on the text layer.
   */
  constructor(
    private readonly buffered: BufferedIO,
    options: TextOptions,
  ) {
    this.codec = getCodec(options.encoding, options.errors);
    this.markKnown = this.codec.bom === undefined;
    this.newline = options.newline;
    this.crBytes = this.codec.encode('\r');
  }

  /** The canonical name of the encoding. */
  get encoding(): string {
    return this.codec.name;
  }

  /** Read `size` code points (fewer only at EOF); size < 0 reads to EOF. '' at EOF. */
  async read(size: number = -1): Promise<string> {
    this.checkReadable('read');
    const w = await this.openWindow();
    if (size < 0) {
      this.decodeOnto(w, await this.buffered.read(-1), true);
      return this.take(w, w.length);
    }
    let [end, got] = this.advance(w.text, w.pos, size);
    let added: string;
    while (got < size && (added = await this.fill(w)) !== '') {
      // end is where the window ended before `added` (the last advance ran out of text)
      const [more, n] = this.advance(added, 0, size - got);
      end += more;
      got += n;
    }
    return this.take(w, end);
  }

  /** Read one line (terminated per `newline`), at most `limit` code points when limit >= 0. */
  async readline(limit: number = -1): Promise<string> {
    this.checkReadable('read');
    const w = await this.openWindow();
    // The search runs over `seg`, the window's text from index segStart to its end: the
    // window at first, then each added piece with the character before it.
    let seg = w.text;
    let segStart = 0;
    let searchFrom = w.pos;
    let [limitEnd, got] = limit >= 0 ? this.advance(seg, w.pos, limit) : [Infinity, 0];
    for (;;) {
      const found = findLineEnd(seg, searchFrom - segStart, this.newline, true);
      const end = found === -1 ? -1 : segStart + found;
      if (got === limit && (end === -1 || end > limitEnd)) return this.take(w, limitEnd);
      if (end !== -1) return this.take(w, end);
      searchFrom = Math.max(w.pos, resumeSearchAt(w.length, this.newline));
      const added = await this.fill(w);
      if (added === '') {
        const last = findLineEnd(seg, searchFrom - segStart, this.newline, false);
        return this.take(w, Math.min(last === -1 ? w.length : segStart + last, limitEnd));
      }
      seg = seg.slice(seg.length - (w.length - added.length - searchFrom)) + added;
      segStart = searchFrom;
      if (limit >= 0 && got < limit) {
        const [more, n] = this.advance(seg, limitEnd - segStart, limit - got);
        limitEnd = segStart + more;
        got += n;
      }
    }
  }

  /** Write `text` at the logical position; resolves the number of code points written. */
  async write(text: string): Promise<number> {
    if (!this.buffered.writable) throw systemError('EBADF', 'write');
    const mark = this.codec.bom && !this.pastStart ? await this.markBeforeWrite() : EMPTY;
    const translated = translateForWrite(text, this.newline);
    const direct = mark.length === 0 ? this.codec.directEncoding?.(translated) : undefined;
    const encoded = direct === undefined ? this.codec.encode(translated) : undefined;
    if (this.window && this.buffered.seekable) await this.syncPosition();
    let written: number;
    if (encoded === undefined) written = await this.buffered.writeString(translated, direct!);
    else written = await this.buffered.write(mark.length ? Buffer.concat([mark, encoded]) : encoded);
    this.pastStart ||= written > 0;
    return countCodePoints(text);
  }

  /**
   * write() when nothing has to be read or awaited first — no byte order mark to decide, no
   * read window to re-synchronise, an encoding Buffer.write does itself, and room in the
   * buffer: the code points written, at once. Otherwise undefined (use write()). AsyncFile
   * tries it before queueing a write.
   */
  writeNow(text: string): number | undefined {
    if (typeof text !== 'string' || !this.buffered.writable) return undefined;
    if ((this.codec.bom && !this.pastStart) || (this.window && this.buffered.seekable)) return undefined;
    const translated = translateForWrite(text, this.newline);
    const direct = this.codec.directEncoding?.(translated);
    if (direct === undefined) return undefined;
    const written = this.buffered.writeStringNow(translated, direct);
    if (written === undefined) return undefined;
    this.pastStart ||= written > 0;
    return countCodePoints(text);
  }

  /**
   * For encodings with a byte order mark: the mark to write first when the text lands at the
   * start of the file (nothing otherwise, after learning the file's byte order if readable).
   */
  private async markBeforeWrite(): Promise<Buffer> {
    const at = await this.writePosition();
    if (at === 0) {
      this.markKnown = true;
      return this.codec.bom!.mark;
    }
    if (!this.markKnown && this.buffered.readable) await this.readMark(at);
    return EMPTY;
  }

  /**
   * Where the next write lands. A stream that cannot seek has no position: it counts as the
   * start until the first mark is written (Python writes the mark before its first text).
   */
  private async writePosition(): Promise<number> {
    if (!this.buffered.seekable) return this.markKnown ? -1 : 0;
    return this.window ? this.bytePosition(this.window) : this.buffered.tell();
  }

  /** Learn the byte order from the file's first bytes, then return the buffer to `resume`. */
  private async readMark(resume: number): Promise<void> {
    this.window = null;
    await this.buffered.seek(0, 0);
    this.adoptMark(await this.buffered.read(4), true);
    await this.buffered.seek(resume, 0);
  }

  /** Adopt the codec the mark in `head` calls for; resolves the mark's length (undefined: need more bytes). */
  private adoptMark(head: Buffer, final: boolean): number | undefined {
    const found = this.codec.bom!.sniff(head, final);
    if (!found) return undefined;
    this.codec = found[0];
    this.markKnown = true;
    return found[1];
  }

  /**
   * seek(cookie, 0) with 0 or a value from tell(); seek(0, 1) (stay, resynchronising the
   * buffer); seek(0, 2) (end of file). Resolves the new cookie.
   */
  async seek(cookie: number, whence: Whence = 0): Promise<number> {
    if (whence !== 0 && cookie !== 0) {
      throw argTypeError(
        'ERR_INVALID_ARG_VALUE',
        `Text files allow only seek(0, ${whence}) relative to the ${whence === 1 ? 'current position' : 'end'}. Received offset ${cookie}`,
      );
    }
    if (cookie < 0) throw outOfRange('offset', '>= 0', cookie);
    if (!this.buffered.seekable) return this.buffered.seek(cookie, whence); // rejects: ESPIPE
    this.pastStart = false;
    if (whence === 1) return this.syncPosition();
    this.window = null;
    return this.buffered.seek(cookie, whence);
  }

  /** The current position as a cookie for seek() (a byte offset; exact mid-buffer). */
  async tell(): Promise<number> {
    return this.window && this.buffered.seekable ? this.bytePosition(this.window) : this.buffered.tell();
  }

  /** Truncate at `size` bytes (default: the current position); the position is unchanged. */
  async truncate(size?: number): Promise<number> {
    if (!this.buffered.writable) throw systemError('EBADF', 'ftruncate');
    const pos = await this.syncPosition();
    return this.buffered.truncate(size ?? pos);
  }

  /** Hand buffered writes to the kernel (read-ahead text is kept). */
  async flush(): Promise<void> {
    await this.buffered.flush();
  }

  /**
   * Drop the read-ahead text and move the BufferedIO back to the logical position, so the
   * layer below can be used directly; resolves that position.
   */
  async syncPosition(): Promise<number> {
    const w = this.window;
    if (!w || !this.buffered.seekable) return this.buffered.tell();
    this.window = null;
    const pos = this.bytePosition(w);
    const ahead = w.start + w.byteLength + w.undecoded.length;
    return pos === ahead ? pos : this.buffered.seek(pos, 0);
  }

  private checkReadable(syscall: string): void {
    if (!this.buffered.readable) throw systemError('EBADF', syscall);
  }

  /** The current window (consumed text dropped once there is enough of it), or a new one. */
  private async openWindow(): Promise<ReadWindow> {
    const w = this.window;
    if (!w) {
      const start = this.buffered.seekable ? await this.buffered.tell() : 0;
      if (!this.markKnown && start !== 0) await this.readMark(start);
      return (this.window = { start, byteLength: 0, text: '', pieces: [], length: 0, pos: 0, marks: [], undecoded: EMPTY });
    }
    this.flatText(w); // pieces are left only when a read failed part-way
    if (w.pos === w.length || w.pos >= TEXT_CHUNK_SIZE / 2) this.dropConsumed(w);
    return w;
  }

  /**
   * Forget the text before the window's position, so the window stays about one chunk long
   * however its reads and the chunk boundaries line up (growing it would make every append
   * re-flatten the whole string).
   */
  private dropConsumed(w: ReadWindow): void {
    const bytes = this.bytePosition(w) - w.start;
    w.marks = w.marks.filter(([t, b]) => t >= w.pos && b >= bytes).map(([t, b]) => [t - w.pos, b - bytes]);
    w.text = w.text.slice(w.pos);
    w.length -= w.pos;
    w.pos = 0;
    w.start += bytes;
    w.byteLength -= bytes;
  }

  /** Decode more text into `w`; resolves the text added ('' at EOF when nothing more could be decoded). */
  private async fill(w: ReadWindow): Promise<string> {
    const before = w.pieces.length;
    const length = w.length;
    while (w.length === length) {
      const chunk = await this.buffered.read1(TEXT_CHUNK_SIZE);
      const eof = chunk.length === 0;
      this.decodeOnto(w, chunk, eof);
      if (eof) break;
    }
    return w.pieces.length === before + 1 ? w.pieces[before] : w.pieces.slice(before).join('');
  }

  /** The window's text as one string (the pieces joined onto it). */
  private flatText(w: ReadWindow): string {
    if (w.pieces.length > 0) {
      w.pieces.unshift(w.text);
      w.text = w.pieces.join('');
      w.pieces = [];
    }
    return w.text;
  }

  /**
   * Decode `undecoded + bytes` onto the window's text (at EOF when `final`). Throws the strict
   * decoding error once the invalid bytes are the first undecoded ones, or at EOF.
   */
  private decodeOnto(w: ReadWindow, bytes: Buffer, final: boolean): void {
    let all = w.undecoded.length === 0 ? bytes : Buffer.concat([w.undecoded, bytes]);
    w.undecoded = all;
    if (all.length === 0) return;
    if (this.codec.bom && w.start === 0 && w.byteLength === 0) {
      const skip = this.adoptMark(all, final);
      if (skip === undefined) return;
      all = all.subarray(skip);
      w.start = skip;
      w.undecoded = all;
    }
    const d = this.codec.decode(all, final);
    if (d.errorAt === 0) {
      const at = w.start + w.byteLength;
      throw decodeError(this.codec.name, all.subarray(0, d.errorLength), at);
    }
    let text = d.text;
    let used = d.consumed;
    if (!final && d.errorAt === undefined && holdsBackCR(this.newline) && text.endsWith('\r') && this.endsWithCR(all, used)) {
      text = text.slice(0, -1);
      used -= this.crBytes.length;
    }
    w.undecoded = all.subarray(used);
    for (const [t, b] of d.marks ?? []) w.marks.push([w.length + t, w.byteLength + b]);
    w.byteLength += used;
    if (text !== '') w.pieces.push(text);
    w.length += text.length;
    if (final && w.undecoded.length > 0) this.decodeOnto(w, EMPTY, true);
  }

  private endsWithCR(bytes: Buffer, end: number): boolean {
    const n = this.crBytes.length;
    return end >= n && bytes.subarray(end - n, end).equals(this.crBytes);
  }

  /** Index past `count` characters as the reader sees them ('\r\n' is one with newline undefined). */
  private advance(text: string, from: number, count: number): [number, number] {
    return advanceChars(text, from, count, this.newline === undefined);
  }

  /** Return text from the window's position up to `end` (translated) and move the position there. */
  private take(w: ReadWindow, end: number): string {
    const out = this.flatText(w).slice(w.pos, end);
    w.pos = end;
    return this.newline === undefined ? translateUniversal(out) : out;
  }

  /**
   * Absolute byte position of the window's current character: the bytes of the text before
   * it, counted from the last mark at or before it. At a mark shared by a dropped byte range
   * (errors 'ignore') the earliest byte offset wins, as in CPython's tell().
   */
  private bytePosition(w: ReadWindow): number {
    const text = this.flatText(w);
    const marks = w.marks;
    let i = 0;
    while (i < marks.length && marks[i][0] < w.pos) i++;
    if (i < marks.length && marks[i][0] === w.pos) return w.start + marks[i][1];
    const [textAt, byteAt] = i === 0 ? [0, 0] : marks[i - 1];
    return w.start + byteAt + this.codec.byteLength(text.slice(textAt, w.pos));
  }
}
