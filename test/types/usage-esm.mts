// Type test of the ESM face (`import` from an ES module, as dist/index.mjs serves it): the
// named exports and the default export (the CommonJS module object) carry the same types.
import ayafileio, { open, configure, getConfig, type AsyncFile, type AyafileioConfig } from 'ayafileio';

const f: AsyncFile = await open('x.txt', 'r');
await f.close();
const c: AyafileioConfig = configure({ bufferSize: 4096 });
const same: typeof getConfig = ayafileio.getConfig;
void [c, same];

// @ts-expect-error unknown option
ayafileio.configure({ nope: true });
