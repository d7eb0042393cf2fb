// Runs a TypeScript entry point (`node scripts/run-ts.js main.ts`): transpiled by swc through
// register.js, as a CommonJS module. A .js entry keeps node on its CommonJS path even when a preload
// in NODE_OPTIONS (see .npmrc) makes it start the main module through the ES-module loader.
'use strict';
const path = require('path');
require('./register.js');
require(path.resolve(process.argv[2]));
