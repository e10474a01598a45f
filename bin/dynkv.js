#!/usr/bin/env node
'use strict';
// The installed entry point: runs the compiled CLI. `npm install` builds dist/ (prepare script).
require('../dist/main.js').main(process.argv.slice(2));
