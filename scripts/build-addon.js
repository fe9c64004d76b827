#!/usr/bin/env node
// Builds the native addon from source with node-gyp into native/build/Release (the loader's
// "local build", tried before the prebuilds). Runs on `npm install` in this repository
// (`prepare`) and on request in an installed package:
//   npm explore ayafileio -- npm run build:addon      (needs a C compiler and Python)
// An installed package never builds on its own: users get prebuilds/ (scripts/prebuild.js).
// A failed build is not fatal (the prebuild or the node:fs fallback is used and
// getBackendInfo() says why); AYAFILEIO_REQUIRE_ADDON=1 (CI) makes it fail instead.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const fs = require('node:fs');

const root = path.join(__dirname, '..');
const gypDir = path.join(root, 'native');
if (process.env.AYAFILEIO_SKIP_BUILD === '1') process.exit(0);

const npmNodeGyp = process.env.npm_config_node_gyp;
const cmd = npmNodeGyp ? process.execPath : process.platform === 'win32' ? 'npx.cmd' : 'npx';
const args = npmNodeGyp ? [npmNodeGyp, 'rebuild'] : ['--no-install', 'node-gyp', 'rebuild'];
// Node installed with its headers (include/node next to bin/): build against them instead of
// downloading a header tarball, so an offline machine can still build the addon.
const prefix = path.join(path.dirname(process.execPath), '..');
if (!process.env.npm_config_nodedir && fs.existsSync(path.join(prefix, 'include', 'node', 'common.gypi'))) {
  args.push(`--nodedir=${prefix}`);
}
const r = spawnSync(cmd, args, { cwd: gypDir, stdio: 'inherit', env: process.env, shell: process.platform === 'win32' && !npmNodeGyp });
if (r.status !== 0) {
  const msg = `ayafileio: native addon build failed (${r.error ? r.error.message : 'exit ' + r.status}); ` +
    'a matching prebuild or the node:fs fallback will be used.';
  if (process.env.AYAFILEIO_REQUIRE_ADDON === '1') {
    console.error(msg);
    process.exit(1);
  }
  console.warn(msg);
}
