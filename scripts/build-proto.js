'use strict';
// Generates static protobufjs code (JS + .d.ts) from proto/*.proto into src/generated/, and copies
// it to dist/generated/ for the compiled build. Generated code is never committed or edited.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const protoDir = path.join(root, 'proto');
const outDir = path.join(root, 'src', 'generated');
const distDir = path.join(root, 'dist', 'generated');
const protos = fs.readdirSync(protoDir).filter((f) => f.endsWith('.proto')).sort().map((f) => path.join(protoDir, f));
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

fs.mkdirSync(outDir, { recursive: true });
const js = path.join(outDir, 'proto.js');
execFileSync(bin('pbjs'), ['-t', 'static-module', '-w', 'commonjs', '--force-number', '--no-create', '--no-verify', '--no-convert', '--no-delimited', '--no-beautify', '-o', js, ...protos], { stdio: 'inherit' });
execFileSync(bin('pbts'), ['-o', path.join(outDir, 'proto.d.ts'), js], { stdio: 'inherit' });
fs.mkdirSync(distDir, { recursive: true });
for (const file of ['proto.js', 'proto.d.ts']) fs.copyFileSync(path.join(outDir, file), path.join(distDir, file));
