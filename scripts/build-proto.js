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
// 64-bit fields as plain numbers, not Long objects: every value dynkv stores in them (ms
// timestamps, counters) is below 2^53, and Long allocations cost on every record decode.
const marker = 'var $protobuf = require("protobufjs/minimal");';
const source = fs.readFileSync(js, 'utf8');
if (!source.includes(marker)) throw new Error('unexpected pbjs output: cannot disable Long');
fs.writeFileSync(js, source.replace(marker, `${marker}\n$protobuf.util.Long = undefined;\n$protobuf.configure();`));
execFileSync(bin('pbts'), ['-o', path.join(outDir, 'proto.d.ts'), js], { stdio: 'inherit' });
fs.mkdirSync(distDir, { recursive: true });
for (const file of ['proto.js', 'proto.d.ts']) fs.copyFileSync(path.join(outDir, file), path.join(distDir, file));
