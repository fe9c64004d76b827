// Type test of the public API (`npm run test:types`: tsc --noEmit -p test/types). It is
// compiled, never run: every public name is used with the types a user would write, and the
// `@ts-expect-error` lines are misuse the declarations must reject. Imports 'ayafileio'
// through the package's own "exports" (self-reference), i.e. dist/index.d.ts.
import {
  open,
  wrapFd,
  AsyncFile,
  Stats,
  configure,
  getConfig,
  resetConfig,
  getBackendInfo,
  readFile,
  writeFile,
  appendFile,
  version,
} from 'ayafileio';
import type {
  OpenOptions,
  BinaryOpenOptions,
  WrapFdOptions,
  FileForMode,
  OpenMode,
  BackendInfo,
  PlatformName,
  AyafileioConfig,
  ConfigureOptions,
  SystemError,
  ReadFileOptions,
  WriteFileOptions,
} from 'ayafileio';

async function files(): Promise<void> {
  const options: OpenOptions = { encoding: 'utf-8', errors: 'replace', newline: '' };
  const f: AsyncFile = await open('data.txt', 'r', options);
  await open(Buffer.from('data.bin'), 'rb');
  await open(new URL('file:///tmp/x'), 'w+');
  await open('data.txt');

  const chunk: string | Buffer = await f.read();
  await f.writelines((async function* () { yield 'async\n'; })());
  const some: string | Buffer = await f.read(10);
  const line: string | Buffer = await f.readline();
  const limited: string | Buffer = await f.readline(80);
  const lines: Array<string | Buffer> = await f.readlines();
  const filled: number = await f.readInto(new Uint8Array(16));
  for await (const piece of f.chunks(1 << 20)) void (piece satisfies string | Buffer);
  const rs: import('node:stream').Readable = f.createReadStream({ start: 0, end: 99, highWaterMark: 4096, autoClose: false });
  const ws: import('node:stream').Writable = f.createWriteStream({ highWaterMark: 4096 });
  void rs;
  void ws;
  const written: number = await f.write('text');
  await f.write(Buffer.from('bytes'));
  await f.writelines(['a\n', 'b\n']);
  const pos: number = await f.seek(0);
  await f.seek(-2, 2);
  const here: number = await f.tell();
  const size: number = await f.truncate();
  await f.truncate(10);
  const st: Stats = await f.stat();
  const bytes: number = st.size;
  const isFile: boolean = st.isFile();
  await f.flush();
  await f.sync();
  await f.datasync();
  const at: Buffer = await f.readAt(0, 4096);
  const wroteAt: number = await f.writeAt(4096, Buffer.alloc(16));
  const name: string | Buffer | number = f.name;
  const mode: string = f.mode;
  const closed: boolean = f.closed;
  const flags: boolean[] = [f.readable(), f.writable(), f.seekable()];
  const fd: number = f.fileno();
  for await (const l of f) {
    const each: string | Buffer = l;
    void each;
  }
  await f.close();
  await f[Symbol.asyncDispose]();
  {
    await using scoped = await open('data.txt', 'rb');
    await scoped.read(1);
  }

  const wrapOptions: WrapFdOptions = { ownsFd: false, encoding: 'utf-8' };
  const wrappedText: AsyncFile<string> = await wrapFd(1, 'a', wrapOptions);
  const wrapped: AsyncFile = await wrapFd(0, 'rb', { ownsFd: false, bufferSize: 4096 });
  void wrappedText;
  const into: number = await wrapped.readAtInto(0, new Uint8Array(8));
  void into;

  void [chunk, some, line, limited, lines, filled, written, pos, here, size, bytes, isFile, at, wroteAt, name, mode, closed, flags, fd];

  // @ts-expect-error the mode is a string
  await open('data.txt', 1);
  // @ts-expect-error the path is required
  await open();
  // @ts-expect-error readAt takes a position and a size
  await f.readAt('0');
}

async function modeTyped(mode: string): Promise<void> {
  const text: AsyncFile<string> = await open('a.txt');
  const s: string = await text.read();
  const lines: string[] = await text.readlines();
  const b: AsyncFile<Buffer> = await open('a.bin', 'r+b');
  const bytes: Buffer = await b.readline();
  await b.write(new Uint8Array(2));
  const either: FileForMode<string> = await open('a', mode);
  const data: string | Buffer = await either.read();
  const fdFile: AsyncFile<Buffer> = await wrapFd(3, 'wb');
  void [s, lines, bytes, data, fdFile];

  const plusFirst: AsyncFile<Buffer> = await open('a.bin', '+ab');
  const explicitText: AsyncFile<string> = await open('a.txt', 'wt', { encoding: 'latin-1', newline: '' });
  const binaryOptions: BinaryOpenOptions = { bufferSize: 1 << 16, encoding: null };
  await open('a.bin', 'rb', binaryOptions);
  const anyMode: OpenMode = 'x+';
  const viaType: AsyncFile<Buffer | string> = await open('a', anyMode);
  await wrapFd(3, 'r', { ownsFd: false, encoding: 'utf-8' });
  void [plusFirst, explicitText, viaType];

  // @ts-expect-error not a mode: 'rw' has two kinds
  await open('a', 'rw');
  // @ts-expect-error not a mode
  await open('a', 'banana');
  // @ts-expect-error 'b' twice
  await open('a', 'rbb');
  // @ts-expect-error both 'b' and 't'
  await open('a', 'rbt');
  // @ts-expect-error binary mode takes no encoding
  await open('a', 'rb', { encoding: 'utf-8' });
  // @ts-expect-error binary mode takes no newline
  await open('a', 'wb', { newline: '' });
  // @ts-expect-error not a mode
  await wrapFd(3, 'read');
  // @ts-expect-error binary mode takes no encoding
  await wrapFd(3, 'rb', { encoding: 'utf-8', ownsFd: false });
  // @ts-expect-error 'rw' is not an OpenMode
  const badMode: OpenMode = 'rw';
  // @ts-expect-error a binary mode gives Buffers
  const textFromBinary: AsyncFile<string> = await open('a', 'ab');
  void [badMode, textFromBinary];
  // @ts-expect-error text mode reads strings
  const wrong: Buffer = await text.read();
  // @ts-expect-error binary mode writes bytes, not strings
  await b.write('text');
  // @ts-expect-error text mode writes strings
  await text.write(Buffer.from('x'));
  void wrong;
}

async function wholeFiles(): Promise<void> {
  const buf: Buffer = await readFile('a.bin');
  const text: string = await readFile('a.txt', 'utf8');
  const text2: string = await readFile('a.txt', { encoding: 'latin1', flag: 'r' });
  const readOptions: ReadFileOptions = { flag: 'r+' };
  const either: string | Buffer = await readFile(new URL('file:///a'), readOptions);
  const writeOptions: WriteFileOptions = { encoding: 'utf8', flag: 'wx', mode: 0o600 };
  await writeFile('a.txt', 'text', writeOptions);
  await writeFile(Buffer.from('a.bin'), new Uint8Array(4));
  await appendFile('log.txt', 'line\n', 'utf8');
  void [buf, text, text2, either];

  // @ts-expect-error an encoding gives a string, not a Buffer
  const wrong: Buffer = await readFile('a.txt', 'utf8');
  // @ts-expect-error numbers are not data
  await writeFile('a.txt', 42);
  void wrong;
}

function module(): void {
  const c: AyafileioConfig = getConfig();
  const n: number = c.bufferSize + c.handlePoolMaxPerKey + c.handlePoolMaxTotal + c.ioWorkerCount
    + c.bufferPoolMax + c.closeTimeoutMs + c.ioUringQueueDepth;
  const b: boolean = c.ioUringSqpoll || c.enableDebugLog;
  const after: AyafileioConfig = configure({ bufferSize: 1 << 17, ioUringQueueDepth: 512 });
  const snake: ConfigureOptions = { io_uring_queue_depth: 64, enable_debug_log: true, close_timeout_ms: 100 };
  configure(snake);
  const defaults: AyafileioConfig = resetConfig();

  const info: BackendInfo = getBackendInfo();
  const kind: string = info.backend;
  const truly: boolean = info.isTrulyAsync;
  const described: string = info.description + info.platform;
  const why: string | undefined = info.reason;
  const v: string = version;
  void [n, b, after, defaults, kind, truly, described, why, v];
  const onLinux: PlatformName = 'linux';
  // @ts-expect-error Windows is reported as 'windows', never 'win32'
  const win32: BackendInfo['platform'] = 'win32';
  void [onLinux, win32];

  // @ts-expect-error unknown option
  configure({ bufferSzie: 1 });
  // @ts-expect-error wrong type
  configure({ bufferSize: '64k' });
  // @ts-expect-error booleans only
  configure({ ioUringSqpoll: 1 });
}

function errors(err: unknown): void {
  const e = err as SystemError;
  const fields: [string, number, string, string | undefined] = [e.code, e.errno, e.syscall, e.path];
  void fields;
}

void [files, modeTyped, wholeFiles, module, errors];
