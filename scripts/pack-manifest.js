#!/usr/bin/env node
// The published package.json has no `prepare` script: `prepare` is this repository's own
// build step (a clone's `npm install` builds the addon and dist/), and npm 11.16+ lists any
// `prepare` of a dependency among "install scripts not yet covered by allowScripts" on every
// user's install, although npm never runs it for a registry package.
//
//   node scripts/pack-manifest.js strip     (prepack: keeps the original in .tmp/)
//   node scripts/pack-manifest.js restore   (postpack; run it by hand if a pack failed midway)
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const manifest = path.join(root, 'package.json');
const saved = path.join(root, '.tmp', 'package.json.prepack');

const mode = process.argv[2];
if (mode === 'strip') {
  if (fs.existsSync(saved)) {
    console.error(`pack-manifest: ${saved} exists (a pack did not finish): run "node scripts/pack-manifest.js restore" first`);
    process.exit(1);
  }
  const text = fs.readFileSync(manifest, 'utf8');
  fs.mkdirSync(path.dirname(saved), { recursive: true });
  fs.writeFileSync(saved, text);
  const pkg = JSON.parse(text);
  delete pkg.scripts.prepare;
  fs.writeFileSync(manifest, JSON.stringify(pkg, null, 2) + '\n');
} else if (mode === 'restore') {
  if (fs.existsSync(saved)) {
    fs.copyFileSync(saved, manifest);
    fs.rmSync(saved);
  }
} else {
  console.error('usage: node scripts/pack-manifest.js strip|restore');
  process.exit(2);
}
