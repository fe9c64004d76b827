#!/usr/bin/env node
// Builds the native addon with node-gyp during `npm install`. A failed build is not fatal:
// the library then runs on its node:fs fallback and getBackendInfo() says why. Set
// AYAFILEIO_REQUIRE_ADDON=1 (CI does) to make a failed build fail the install instead.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const fs = require('node:fs');

const root = path.join(__dirname, '..');
if (process.env.AYAFILEIO_SKIP_BUILD === '1') process.exit(0);
if (!fs.existsSync(path.join(root, 'binding.gyp'))) process.exit(0);

const npmNodeGyp = process.env.npm_config_node_gyp;
const cmd = npmNodeGyp ? process.execPath : process.platform === 'win32' ? 'npx.cmd' : 'npx';
const args = npmNodeGyp ? [npmNodeGyp, 'rebuild'] : ['--no-install', 'node-gyp', 'rebuild'];
// Node installed with its headers (include/node next to bin/): build against them instead of
// downloading a header tarball, so an offline machine can still build the addon.
const prefix = path.join(path.dirname(process.execPath), '..');
if (!process.env.npm_config_nodedir && fs.existsSync(path.join(prefix, 'include', 'node', 'common.gypi'))) {
  args.push(`--nodedir=${prefix}`);
}
const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });
if (r.status !== 0) {
  const msg = `ayafileio: native addon build failed (${r.error ? r.error.message : 'exit ' + r.status}); ` +
    'the node:fs fallback will be used.';
  if (process.env.AYAFILEIO_REQUIRE_ADDON === '1') {
    console.error(msg);
    process.exit(1);
  }
  console.warn(msg);
}
