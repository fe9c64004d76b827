// Type test of ayafileio/fs's ESM face: the default export (`import fs from 'ayafileio/fs'`,
// the line that replaces `import fs from 'node:fs/promises'`) and named imports.
import fs, { readFile, open, type FileHandle } from 'ayafileio/fs';

const text: string = await fs.readFile('a.txt', 'utf8');
const same: typeof readFile = fs.readFile;
const fh: FileHandle = await open('a.txt');
await fh.close();
void [text, same];

// @ts-expect-error open's mode is a number or string
await open('a.txt', 'r', {});
