// Type test of ayafileio/fs (CommonJS resolution): typed as @types/node's fs/promises, with
// node:fs's callback forms on the names both modules have.
import * as fs from 'ayafileio/fs';
import type { FileHandle } from 'ayafileio/fs';
import type { FileHandle as NodeFileHandle } from 'node:fs/promises';
import type { Stats, BigIntStats, ReadStream } from 'node:fs';

async function promiseForms(): Promise<void> {
  const text: string = await fs.readFile('a.txt', 'utf8');
  const bytes: Buffer = await fs.readFile('a.txt');
  await fs.writeFile('b.txt', text, { mode: 0o600, flush: true, signal: AbortSignal.timeout(1000) });
  await fs.appendFile(new URL('file:///tmp/c.txt'), bytes);
  const st: Stats = await fs.stat('a.txt');
  const big: BigIntStats = await fs.stat('a.txt', { bigint: true });
  await fs.mkdir('d', { recursive: true });
  const names: string[] = await fs.readdir('d');
  await fs.rm('d', { recursive: true, force: true });
  await fs.truncate('a.txt', 1);
  const mode: number = fs.constants.O_RDONLY;

  const fh: FileHandle = await fs.open('a.txt', 'r+', 0o644);
  const asNode: NodeFileHandle = fh;
  const { bytesRead, buffer } = await fh.read(Buffer.alloc(10), 0, 10, 0);
  const r2 = await fh.read({ buffer: new Uint8Array(4), position: 2 });
  const { bytesWritten } = await fh.write('text', null, 'utf8');
  await fh.writev([Buffer.from('a'), Buffer.from('b')]);
  const fst: Stats = await fh.stat();
  const rs: ReadStream = fh.createReadStream({ start: 0, end: 9 });
  for await (const line of fh.readLines()) void line;
  fh.on('close', () => undefined);
  await fh.close();
  await fh[Symbol.asyncDispose]();
  void [text, st, big, names, mode, asNode, bytesRead, buffer, r2, bytesWritten, fst, rs];

  // @ts-expect-error fs/promises' readFile takes no number as options
  await fs.readFile('a.txt', 5);
  // @ts-expect-error FileHandle.read's buffer must be an ArrayBufferView
  await fh.read('nope', 0, 1, 0);
}

function callbackForms(): void {
  fs.readFile('a.txt', 'utf8', (err, data: string) => void [err, data]);
  fs.open('a.txt', 'r', (err, fd: number) => {
    fs.read(fd, Buffer.alloc(4), 0, 4, 0, (err2, n: number) => fs.close(fd, () => void [err, err2, n]));
  });
  fs.mkdir('x', { recursive: true }, (err) => void err);
  fs.stat('a.txt', (err, st: Stats) => void [err, st]);
  const sync: Buffer = fs.readFileSync('a.txt');
  void sync;
  void fs.promises.readFile;
}

void promiseForms;
void callbackForms;
