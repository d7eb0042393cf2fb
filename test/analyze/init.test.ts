import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../lib/analyze/cli';
import { starterFiles, starterMain } from '../../lib/analyze/init';
import { ROOT } from '../fixtures';

// `cdk8s-istio init`: the starter's pins come from this package's package.json. The consumer test installs
// the starter from the packed library and synthesizes it with the plugin (scripts/consumer-test.sh).

function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = main(argv, s => { stdout += s; }, s => { stderr += s; });
  return { code, stdout, stderr };
}

const own = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const QUICKSTART = fs.readFileSync(path.join(ROOT, 'examples', 'quickstart.ts'), 'utf8');

describe('cdk8s-istio init', () => {
  test('package.json pins what this package is tested with: the peer ranges, the TypeScript ts-node runs, its cdk8s-cli', () => {
    const pkg = JSON.parse(starterFiles('shop', own, QUICKSTART)['package.json']);
    expect(pkg.dependencies).toEqual({ 'cdk8s': own.peerDependencies.cdk8s, 'cdk8s-istio': `^${own.version}`, 'constructs': own.peerDependencies.constructs });
    expect(pkg.devDependencies.typescript).toBe(`~${own.devDependencies.typescript.split('.').slice(0, 2).join('.')}.0`);
    expect(pkg.devDependencies.typescript).toMatch(/^~5\./);
    expect(pkg.devDependencies['cdk8s-cli']).toBe(own.devDependencies['cdk8s-cli']);
    expect(pkg.devDependencies['ts-node']).toBe(own.devDependencies['ts-node']);
  });

  test('cdk8s.yaml names the app and the analyzer plugin together', () => {
    expect(starterFiles('shop', own, QUICKSTART)['cdk8s.yaml']).toBe(`language: typescript
app: npx ts-node main.ts
validations:
  - package: ./node_modules/cdk8s-istio/plugin.js
    class: IstioAnalyzerPlugin
    version: ${own.version}
`);
  });

  test('writes the five files into a new directory, with --package as given; never over existing files', () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-init-')), 'My App');
    const first = run('init', '--package', 'file:../cdk8s-istio-0.1.0.tgz', dir);
    expect(first.code).toBe(0);
    expect(fs.readdirSync(dir).sort()).toEqual(['.gitignore', 'cdk8s.yaml', 'main.ts', 'package.json', 'tsconfig.json']);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    expect([pkg.name, pkg.dependencies['cdk8s-istio']]).toEqual(['my-app', 'file:../cdk8s-istio-0.1.0.tgz']);
    const again = run('init', dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`cdk8s-istio init: ${dir} already has package.json, cdk8s.yaml, tsconfig.json, main.ts, .gitignore; init writes only into a directory without them\n`);
  });

  test('main.ts is the README\'s quickstart, which the package ships, under the starter\'s own header', () => {
    const main = starterFiles('shop', own, QUICKSTART)['main.ts'];
    expect(main).toBe(starterMain(QUICKSTART));
    expect(main).toMatch(/^\/\/ A cdk8s app with cdk8s-istio/);
    expect(main.endsWith(QUICKSTART.slice(QUICKSTART.indexOf('import ')))).toBe(true);
    expect(own.files).toContain('examples/quickstart.ts');
  });

  test('bad arguments are one line and exit 2', () => {
    expect(run('init', '--package')).toEqual({ code: 2, stdout: '', stderr: 'cdk8s-istio init: --package needs a spec (file:../cdk8s-istio-0.1.0.tgz, ^0.1.0, a git URL)\n' });
    expect(run('init', 'a', 'b').stderr).toBe("cdk8s-istio init: one directory, got 'a' and 'b'\n");
    expect(run('init', '--force').stderr).toBe('cdk8s-istio init: unknown option --force (see --help)\n');
  });
});
