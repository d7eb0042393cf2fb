#!/usr/bin/env node
// The README's test command: the type check (tsc, once; incremental across runs) and the jest suite, side by side on the two
// cores; fails if either fails. Arguments go to jest (`npm test -- test/traffic`).
'use strict';
const { spawn } = require('child_process');
const path = require('path');

const bin = name => path.join(__dirname, '..', 'node_modules', '.bin', name);
const run = (cmd, args) => new Promise(resolve => {
  const child = spawn(bin(cmd), args, { stdio: 'inherit' });
  child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
});

Promise.all([run('tsc', ['-p', '.', '--noEmit', '--incremental', '--tsBuildInfoFile', path.join(__dirname, '..', 'node_modules', '.cache', 'tsc-test.tsbuildinfo')]), run('jest', process.argv.slice(2))]).then(([tsc, jest]) => {
  if (tsc !== 0) console.error('test: tsc found type errors');
  process.exit(tsc !== 0 ? tsc : jest);
});
