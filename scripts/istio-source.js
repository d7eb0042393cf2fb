// The upstream istio/istio checkout the parity scripts read (ISTIO_SRC, a git directory; nothing of it is
// copied into this repository), at `--ref` (default 1.30.3), and the scripts' shared `--verbose` flag.
'use strict';
const { execFileSync } = require('child_process');

/** Reads the checkout, or exits with a one-line usage error (exit code 2) when ISTIO_SRC is not set. */
function istioSource(script) {
  const src = process.env.ISTIO_SRC;
  if (!src) {
    console.error(`${script}: set ISTIO_SRC to a git checkout of istio/istio`);
    process.exit(2);
  }
  const refArg = process.argv.indexOf('--ref');
  const ref = refArg > 0 ? process.argv[refArg + 1] : '1.30.3';
  const git = (...args) => execFileSync('git', ['--git-dir', src, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { ref, git, show: file => git('show', `${ref}:${file}`), verbose: process.argv.includes('--verbose') };
}

module.exports = { istioSource };
