// The compatibility matrix's exit check (scripts/test-matrix.js): an awaited write to a file
// the program never closes must be in the file after an uncaught exception ends the program
// (docs/api.md, "What survives the end of the program"), on every runtime. Deno, for one,
// emits no 'exit' then.
import { open } from 'ayafileio';

const f = await open(process.argv[process.argv.length - 1], 'w');
await f.write('survived\n');
setTimeout(() => {
  throw new Error('uncaught on purpose');
}, 1);
