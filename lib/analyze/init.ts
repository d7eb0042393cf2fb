import * as fs from 'fs';
import * as path from 'path';

// `cdk8s-istio init [dir]`: a consumer app that works as written, its pins taken from this package's own
// package.json (the peer ranges it is tested with, the TypeScript ts-node runs, the cdk8s-cli it uses), so
// the starter cannot drift from the library. The consumer test makes its apps with it.

export const INIT_HELP = `usage: cdk8s-istio init [--package <spec>] [dir]

Writes a cdk8s app that uses cdk8s-istio into dir (default: the current directory): package.json,
cdk8s.yaml (the app and the analyzer plugin), tsconfig.json, main.ts and .gitignore. Then:

  npm install && npx cdk8s synth      # synthesize dist/, checked by the analyzer
  npx cdk8s-istio analyze dist/       # the analyzer alone, on any YAML

  --package <spec>   how package.json names cdk8s-istio (default: ^<this version>), for example
                     file:../cdk8s-istio-0.1.0.tgz or a git URL while it is not on npm

Files that exist are never overwritten: init stops, naming them.
Exit codes: 0 written, 2 bad input (one line on stderr).`;

/** What init reads of this package's package.json. */
export interface OwnPackage {
  readonly version: string;
  readonly peerDependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
}

/** The starter's main.ts is the README's quickstart (examples/quickstart.ts, shipped), under this header. */
const MAIN_HEADER = `// A cdk8s app with cdk8s-istio: \`npx cdk8s synth\` writes dist/, and the analyzer plugin of
// cdk8s.yaml fails the synth on what the API server, istiod or istioctl analyze would reject.
// Bind your own workloads with MeshService.fromService, fromDeployment or fromHost.
`;

/** The quickstart's code without its own leading comment, under the starter's. */
export function starterMain(quickstart: string): string {
  return MAIN_HEADER + quickstart.replace(/^(\/\/.*\n)+/, '');
}

/** The files of the starter, by name. */
export function starterFiles(name: string, own: OwnPackage, quickstart: string, packageSpec?: string): Record<string, string> {
  const dev = own.devDependencies ?? {};
  const peer = own.peerDependencies ?? {};
  const pkg = {
    name, version: '0.1.0', private: true,
    scripts: { synth: 'cdk8s synth --no-check-upgrade', analyze: 'cdk8s-istio analyze dist/' },
    dependencies: { 'cdk8s': peer.cdk8s ?? '^2', 'cdk8s-istio': packageSpec ?? `^${own.version}`, 'constructs': peer.constructs ?? '^10' },
    // ts-node 10 breaks on TypeScript 7 (npm's latest): the TypeScript this package is built and tested with
    devDependencies: {
      '@types/node': dev['@types/node'] ?? '^20', 'cdk8s-cli': dev['cdk8s-cli'] ?? '^2', 'ts-node': dev['ts-node'] ?? '^10.9.2',
      'typescript': dev.typescript ? `~${dev.typescript.replace(/^[~^]/, '').split('.').slice(0, 2).join('.')}.0` : '~5.9.0',
    },
  };
  return {
    'package.json': JSON.stringify(pkg, null, 2) + '\n',
    'cdk8s.yaml': [
      'language: typescript',
      'app: npx ts-node main.ts',
      'validations:',
      '  - package: ./node_modules/cdk8s-istio/plugin.js',
      '    class: IstioAnalyzerPlugin',
      `    version: ${own.version}`,
      '',
    ].join('\n'),
    'tsconfig.json': JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, esModuleInterop: true, skipLibCheck: true, types: ['node'] },
      include: ['main.ts'],
    }, null, 2) + '\n',
    'main.ts': starterMain(quickstart),
    '.gitignore': 'node_modules/\n',
  };
}

/** `init`: writes the starter into the directory the arguments name; returns the exit code. */
export function init(args: readonly string[], own: OwnPackage, root: string, out: (s: string) => void, err: (s: string) => void): number {
  let dir: string | undefined;
  let spec: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--package') {
      spec = args[++i];
      if (spec === undefined || spec === '') {
        err('cdk8s-istio init: --package needs a spec (file:../cdk8s-istio-0.1.0.tgz, ^0.1.0, a git URL)\n');
        return 2;
      }
    } else if (a.startsWith('-')) {
      err(`cdk8s-istio init: unknown option ${a} (see --help)\n`);
      return 2;
    } else if (dir !== undefined) {
      err(`cdk8s-istio init: one directory, got '${dir}' and '${a}'\n`);
      return 2;
    } else {
      dir = a;
    }
  }
  const target = path.resolve(dir ?? '.');
  if (fs.existsSync(target) && !fs.statSync(target).isDirectory()) {
    err(`cdk8s-istio init: ${target} is a file, not a directory\n`);
    return 2;
  }
  const name = path.basename(target).toLowerCase().replace(/[^a-z0-9-._~]/g, '-').replace(/^[-._]+/, '') || 'cdk8s-app';
  const files = starterFiles(name, own, fs.readFileSync(path.join(root, 'examples', 'quickstart.ts'), 'utf8'), spec);
  const existing = Object.keys(files).filter(f => fs.existsSync(path.join(target, f)));
  if (existing.length > 0) {
    err(`cdk8s-istio init: ${target} already has ${existing.join(', ')}; init writes only into a directory without them\n`);
    return 2;
  }
  fs.mkdirSync(target, { recursive: true });
  for (const [file, text] of Object.entries(files)) {
    fs.writeFileSync(path.join(target, file), text);
  }
  out(`wrote ${Object.keys(files).join(', ')} into ${target}\nnext: cd ${path.relative(process.cwd(), target) || '.'} && npm install && npx cdk8s synth\n`);
  return 0;
}
