/**
 * The two layers under AsyncFile, modelled on Python's io module:
 * BufferedIO (binary, one buffer per file, like BufferedRandom) and TextIO (decoding,
 * newline translation and tell cookies, like TextIOWrapper) on top of it.
 *
 * Neither layer is safe for overlapping calls: AsyncFile runs every call on a file in call
 * order (one at a time), so these layers may assume exclusive access between awaits.
 */

/** Python's whence values for seek(). */
export type Whence = 0 | 1 | 2;

/** Binary buffered file (Python's BufferedReader/Writer/Random semantics). */
export interface BufferedIO {
  readonly readable: boolean;
  readonly writable: boolean;
  readonly seekable: boolean;
  /** The OS-level fd (or backend handle number). */
  readonly fd: number;
  /** Read `size` bytes (fewer only at EOF); size < 0 reads to EOF. Empty Buffer at EOF. */
  read(size: number): Promise<Buffer>;
  /** Read at most `size` bytes with at most one raw read (returns buffered bytes first). */
  read1(size: number): Promise<Buffer>;
  /** Fill `buf` as far as possible (fewer bytes only at EOF). Resolves bytes read. */
  readInto(buf: Uint8Array): Promise<number>;
  /** Read through the next b'\n' (included), at most `limit` bytes when limit >= 0. */
  readline(limit: number): Promise<Buffer>;
  /** Write all of `data` (buffered). Resolves data.length. */
  write(data: Uint8Array): Promise<number>;
  /**
   * Write `text` encoded by Node as `encoding` (straight into the buffer when it fits, with no
   * intermediate Buffer). Resolves the bytes written.
   */
  writeString(text: string, encoding: BufferEncoding): Promise<number>;
  /** write() when the bytes fit in the buffer now: the count at once, else undefined. */
  writeNow(data: Uint8Array): number | undefined;
  /** writeString() when the bytes fit in the buffer now: the count at once, else undefined. */
  writeStringNow(text: string, encoding: BufferEncoding): number | undefined;
  /** Move the logical position; resolves the new absolute position. */
  seek(offset: number, whence: Whence): Promise<number>;
  /** The logical position (accounts for buffered, unread or unflushed bytes). */
  tell(): Promise<number>;
  /** Truncate to `size` (default: the current position); resolves the new size. */
  truncate(size?: number): Promise<number>;
  /** Hand buffered writes to the kernel (not fsync). */
  flush(): Promise<void>;
}

/** Text layer over a BufferedIO (Python's TextIOWrapper semantics). */
export interface TextIO {
  /** Read `size` characters (code points); size < 0 reads to EOF. '' at EOF. */
  read(size: number): Promise<string>;
  /** Read one line (translated per `newline`), at most `limit` characters when limit >= 0. */
  readline(limit: number): Promise<string>;
  /** Write `text`; resolves the number of characters (code points) written. */
  write(text: string): Promise<number>;
  /** write() when it needs nothing read or awaited first: the count at once, else undefined. */
  writeNow(text: string): number | undefined;
  /** seek(cookie, 0) with a value from tell(), seek(0, 0), seek(0, 1) or seek(0, 2). */
  seek(cookie: number, whence: Whence): Promise<number>;
  /** An opaque cookie for seek(). */
  tell(): Promise<number>;
  /** Truncate at `size` (default: current position). */
  truncate(size?: number): Promise<number>;
  /** Flush pending encoded text and the buffer below. */
  flush(): Promise<void>;
}

/** Text options of open(), after validation. */
export interface TextOptions {
  encoding: string;
  errors: 'strict' | 'replace' | 'ignore';
  newline: undefined | '' | '\n' | '\r' | '\r\n';
}
