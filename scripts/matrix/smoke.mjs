// The smoke test through `import` (see smoke.cjs, which holds the checks).
import * as lib from 'ayafileio';
import smoke from './smoke.cjs';

const runtime = process.versions.bun ? 'bun' : process.versions.deno ? 'deno' : 'node';
smoke.run(lib, 'import').catch((err) => {
  console.error(`smoke FAILED: ${runtime} import:`, err);
  process.exitCode = 1;
});
