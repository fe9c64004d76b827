/**
 * Node streams and a chunk iterator over an AsyncFile: a binary file streams in fixed-size
 * chunks rather than in "lines" (a file without newlines would otherwise be one chunk).
 * Everything goes through the file's public methods, so it takes its place in the file's
 * call order like any other call.
 */
import { Readable, Writable } from 'node:stream';
import { argTypeError, outOfRange } from '../errors';
import { checkInteger, checkPosition, MAX_LENGTH } from './validate';

/** Bytes (binary mode) or characters (text mode) per chunk when no size is given. */
const DEFAULT_CHUNK = 64 * 1024;

/** What the streams need of the file: the public AsyncFile methods they call. */
export interface StreamableFile {
  readonly encoding: string | undefined;
  read(size: number): Promise<Buffer | string>;
  readAt(position: number, size: number): Promise<Buffer>;
  write(data: Buffer | string): Promise<number>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Options of AsyncFile.createReadStream(). */
export interface FileReadStreamOptions {
  /** Bytes (text mode: characters) per chunk; default 64 KiB. */
  highWaterMark?: number;
  /** Binary mode: read from this byte offset with readAt() (the file position is left alone); default: from the position, moving it. */
  start?: number;
  /** Binary mode: the last byte offset to read, inclusive (as fs.createReadStream); default: the end of the file. */
  end?: number;
  /** Close the file when the stream ends, errors or is destroyed (as FileHandle.createReadStream); default true. */
  autoClose?: boolean;
}

/** Options of AsyncFile.createWriteStream(). */
export interface FileWriteStreamOptions {
  /** Bytes buffered by the stream before write() returns false; default 64 KiB. */
  highWaterMark?: number;
  /** Close the file when the stream finishes, errors or is destroyed; default true. */
  autoClose?: boolean;
}

/** A chunk size: an integer of at least 1. */
export function checkChunkSize(value: unknown, name: string): number {
  return value === undefined ? DEFAULT_CHUNK : checkInteger(value, name, 1, MAX_LENGTH);
}

/** Binary chunks of `size` bytes (text: strings of `size` characters) from the position to the end; the last may be shorter. */
export async function* chunksOf(file: StreamableFile, size: number): AsyncGenerator<Buffer | string, void, undefined> {
  for (;;) {
    const chunk = await file.read(size);
    if (chunk.length === 0) return;
    yield chunk;
  }
}

function checkOptions(options: unknown, name: string): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object') {
    throw argTypeError('ERR_INVALID_ARG_TYPE', `The "${name}" argument must be of type object. Received ${String(options)}`);
  }
  return options as Record<string, unknown>;
}

/** A Readable over `file` (see FileReadStreamOptions). */
export function readStream(file: StreamableFile, options?: FileReadStreamOptions): Readable {
  const o = checkOptions(options, 'options');
  const size = checkChunkSize(o.highWaterMark, 'options.highWaterMark');
  const text = file.encoding !== undefined;
  const start = o.start === undefined ? undefined : checkPosition(o.start, 'options.start');
  const end = o.end === undefined ? Infinity : checkPosition(o.end, 'options.end');
  if (text && (start !== undefined || o.end !== undefined)) {
    throw argTypeError('ERR_INVALID_ARG_VALUE', 'options.start and options.end are byte offsets: binary mode only');
  }
  if (start !== undefined && end < start) {
    throw outOfRange('options.start', `<= "options.end" (here: ${end})`, start);
  }
  const autoClose = o.autoClose !== false;
  let next = start ?? 0;
  const nextChunk = async (): Promise<Buffer | string> => {
    if (start === undefined && end === Infinity) return file.read(size);
    const want = Math.min(size, end - next + 1);
    if (want <= 0) return Buffer.alloc(0);
    const chunk = start === undefined ? await file.read(want) : await file.readAt(next, want);
    next += chunk.length;
    return chunk;
  };
  return new Readable({
    highWaterMark: size,
    encoding: text ? 'utf8' : undefined,
    read(this: Readable): void {
      nextChunk().then(
        (chunk) => this.push(chunk.length === 0 ? null : chunk),
        (err: Error) => this.destroy(err),
      );
    },
    destroy(err, callback): void {
      if (!autoClose) return callback(err);
      file.close().then(() => callback(err), (closeErr: Error) => callback(err ?? closeErr));
    },
  });
}

/** A Writable over `file` (see FileWriteStreamOptions): its final() flushes the file. */
export function writeStream(file: StreamableFile, options?: FileWriteStreamOptions): Writable {
  const o = checkOptions(options, 'options');
  const highWaterMark = checkChunkSize(o.highWaterMark, 'options.highWaterMark');
  const text = file.encoding !== undefined;
  const autoClose = o.autoClose !== false;
  return new Writable({
    highWaterMark,
    decodeStrings: !text, // text mode writes strings; binary mode Buffers
    write(chunk: Buffer | string, _encoding, callback): void {
      file.write(chunk).then(() => callback(), callback);
    },
    final(callback): void {
      file.flush().then(() => callback(), callback);
    },
    destroy(err, callback): void {
      if (!autoClose) return callback(err);
      file.close().then(() => callback(err), (closeErr: Error) => callback(err ?? closeErr));
    },
  });
}
