#!/usr/bin/env node
// Checks a cross-built macOS addon (scripts/build-darwin.sh) without a Mac: a 64-bit Mach-O
// dynamic library for the given CPU, linked against libSystem, importing the Dispatch I/O
// calls the backend is built on and N-API from the process (dynamic lookup). Reads the
// Mach-O header, load commands and symbol table directly, so no binutils are needed.
//
//   node scripts/check-macho.js prebuilds/darwin-arm64/ayafileio.node arm64
'use strict';
const fs = require('node:fs');

const MH_MAGIC_64 = 0xfeedfacf;
const MH_DYLIB = 6;
const LC_SYMTAB = 0x2;
const LC_LOAD_DYLIB = 0xc;
const N_TYPE = 0x0e;
const N_EXT = 0x01;
const CPU = { x64: 0x01000007, arm64: 0x0100000c };
const REQUIRED = ['_dispatch_io_create', '_dispatch_io_read', '_dispatch_io_write', '_dispatch_io_close', '_napi_create_threadsafe_function'];

/** The Mach-O facts checked: CPU type, file type, dylibs loaded, undefined symbols. */
function inspect(b) {
  if (b.readUInt32LE(0) !== MH_MAGIC_64) throw new Error('not a 64-bit little-endian Mach-O file');
  const facts = { cpu: b.readUInt32LE(4), filetype: b.readUInt32LE(12), dylibs: [], imports: new Set() };
  let at = 32;
  for (let i = 0, n = b.readUInt32LE(16); i < n; i++) {
    const cmd = b.readUInt32LE(at);
    if (cmd === LC_LOAD_DYLIB) {
      const name = at + b.readUInt32LE(at + 8);
      facts.dylibs.push(b.toString('latin1', name, b.indexOf(0, name)));
    } else if (cmd === LC_SYMTAB) {
      const [symoff, nsyms, stroff] = [b.readUInt32LE(at + 8), b.readUInt32LE(at + 12), b.readUInt32LE(at + 16)];
      for (let s = 0; s < nsyms; s++) {
        const e = symoff + 16 * s;
        const type = b[e + 4];
        if ((type & N_TYPE) !== 0 || (type & N_EXT) === 0) continue; // defined here, or local
        const name = stroff + b.readUInt32LE(e);
        facts.imports.add(b.toString('latin1', name, b.indexOf(0, name)));
      }
    }
    at += b.readUInt32LE(at + 4);
  }
  return facts;
}

function main() {
  const [file, arch] = process.argv.slice(2);
  if (!file || !(arch in CPU)) throw new Error('usage: check-macho.js <file> x64|arm64');
  const f = inspect(fs.readFileSync(file));
  const problems = [];
  if (f.cpu !== CPU[arch]) problems.push(`CPU type 0x${f.cpu.toString(16)}, expected ${arch}`);
  if (f.filetype !== MH_DYLIB) problems.push(`file type ${f.filetype}, expected MH_DYLIB`);
  if (!f.dylibs.some((d) => d.startsWith('/usr/lib/libSystem'))) problems.push('does not load libSystem');
  for (const sym of REQUIRED) if (!f.imports.has(sym)) problems.push(`does not import ${sym}`);
  if (problems.length) throw new Error(`${file}: ${problems.join('; ')}`);
  const dispatch = [...f.imports].filter((s) => s.startsWith('_dispatch_io_')).sort();
  console.log(`${file}: Mach-O ${arch} dylib, loads ${f.dylibs.join(', ')}; imports ${dispatch.join(' ')}`);
}

try {
  main();
} catch (err) {
  console.error(`check-macho: ${err.message}`);
  process.exit(1);
}
