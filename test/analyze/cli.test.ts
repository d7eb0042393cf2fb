import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../lib/analyze/cli';
import { BOOKINFO_SAMPLES, DIST, ROOT, SHARED } from '../fixtures';

// The tutorial's own files, as its readers typed them: weight under destination, and a 90/10 split
// applied without any DestinationRule.
const TUTORIAL_CANARY = `apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts:
  - reviews
  http:
  - route:
    - destination:
        host: reviews
        subset: v1
        weight: 90
    - destination:
        host: reviews
        subset: v2
        weight: 10
`;
// the same split with weight where it belongs, beside destination
const TUTORIAL_90_10 = TUTORIAL_CANARY.replace(/\n {8}weight: (\d+)/g, '\n      weight: $1');

function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = main(argv, s => { stdout += s; }, s => { stderr += s; });
  return { code, stdout, stderr };
}

function write(name: string, text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-cli-')), name);
  fs.writeFileSync(file, text);
  return file;
}

describe('cdk8s-istio analyze', () => {
  // the tutorial applies its routes on Bookinfo's Services: with them, the namespace is described
  const BOOKINFO = path.join(BOOKINFO_SAMPLES, 'platform/kube/bookinfo.yaml');

  test("flags the tutorial's canary file: weight under destination, subsets without DestinationRule", () => {
    const file = write('canary.yaml', TUTORIAL_CANARY);
    const { code, stdout, stderr } = run('analyze', BOOKINFO, file);
    expect(code).toBe(1);
    expect(stdout.split('\n')).toEqual(expect.arrayContaining([
      `${file}:12  CI202  error  VirtualService/default/reviews  destination subset 'v1' of host 'reviews' is not defined by any DestinationRule (defined: none — no DestinationRule for this host); requests get 503`,
      `${file}:13  CI101  error  VirtualService/default/reviews  spec.http[0].route[0].destination.weight: unknown field 'weight' (kubectl rejects it)`,
      `${file}:17  CI101  error  VirtualService/default/reviews  spec.http[0].route[1].destination.weight: unknown field 'weight' (kubectl rejects it)`,
    ]));
    expect(stderr).toMatch(/ objects analyzed: 4 errors, /);
  });

  test("flags the tutorial's correct 90/10 split when no DestinationRule is applied", () => {
    const { code, stdout } = run('analyze', BOOKINFO, write('90-10.yaml', TUTORIAL_90_10));
    expect(code).toBe(1);
    expect(stdout.trim().split('\n').map(l => l.split('  ')[1]).filter(c => c.startsWith('CI2'))).toEqual(['CI202', 'CI202']);
  });

  test('the same split alone, nothing of its namespace in the input: its subsets are not checked (CI269), not errors', () => {
    const { code, stdout } = run('analyze', write('90-10.yaml', TUTORIAL_90_10));
    expect(code).toBe(0);
    expect(stdout.trim().split('\n').map(l => l.split('  ')[1])).toEqual(['CI269', 'CI269']);
  });

  test('passes the 90/10 split once Bookinfo and its DestinationRules are in the input', () => {
    const samples = BOOKINFO_SAMPLES;
    const { code, stdout } = run('analyze', path.join(samples, 'platform/kube/bookinfo.yaml'), path.join(samples, 'networking/destination-rule-all.yaml'), write('90-10.yaml', TUTORIAL_90_10));
    expect(code).toBe(0);
    expect(stdout).not.toMatch(/ error /);
  });

  test('--json prints findings for machines', () => {
    const { code, stdout } = run('analyze', '--json', BOOKINFO, write('canary.yaml', TUTORIAL_CANARY));
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.errors).toBe(4);
    expect(report.findings.find((f: any) => f.code === 'CI202')).toEqual(expect.objectContaining({ severity: 'error', file: expect.stringMatching(/canary\.yaml$/), line: 12, object: 'VirtualService/default/reviews' }));
  });

  test('a directory is one state, its subdirectories alternatives on top: dist/ with its release steps exits 0', () => {
    const { code, stderr } = run('analyze', DIST);
    expect(stderr).toMatch(/ 0 errors, 0 warnings/);
    expect(code).toBe(0);
  });

  test('the release steps given as one input are one state in which each object is defined eight times (CI265): the last step wins', () => {
    const steps = path.join(DIST, 'steps');
    const { code, stdout } = run('analyze', ...fs.readdirSync(steps).map(f => path.join(steps, f)));
    // without the deployed state nothing of namespace bookinfo but the routes is in the input: subsets are not checked
    expect(code).toBe(0);
    expect(stdout).toMatch(/CI269 {2}info/);
    expect(stdout).toMatch(/08-fault\.k8s\.yaml:1 {2}CI265 {2}warning {2}VirtualService\/bookinfo\/reviews {2}VirtualService bookinfo\/reviews is defined 8 times \(.*01-blue\.k8s\.yaml:1, .*\); kubectl apply keeps the last, .*08-fault\.k8s\.yaml:1/);
    expect(stdout).not.toMatch(/CI204/);
  });

  test('--base analyzes every other input as an alternative on top of it', () => {
    const dist = DIST;
    const steps = path.join(dist, 'steps');
    const { code, stderr } = run('analyze', '--base', path.join(dist, 'bookinfo.k8s.yaml'), steps);
    expect(stderr).toMatch(/ 0 errors/);
    expect(code).toBe(0);
  });

  test('warnings alone exit 0', () => {
    const rule = 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: r }\nspec: { host: reviews }\n---\n'
      + 'apiVersion: v1\nkind: Service\nmetadata: { name: reviews }\nspec: { ports: [{ port: 80, name: web }] }\n';
    const { code, stdout } = run('analyze', write('info.yaml', rule));
    expect(stdout).toMatch(/CI211 {2}info/);
    expect(code).toBe(0);
  });

  test('--checks lists every check with the code it mirrors', () => {
    const { code, stdout } = run('--checks');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^CI202 {2}error {4}IST0101, KIA1107 {2}route destination subset/m);
  });

  test.each([['--help'], ['-h']])('%s lists the commands and exits 0', (...argv) => {
    const { code, stdout } = run(...argv);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^usage: cdk8s-istio <command> \[options\]\n\ncommands:\n {2}init /);
  });

  test('without a command it lists the commands on stderr and exits 2', () => {
    const { code, stderr } = run();
    expect(code).toBe(2);
    expect(stderr).toMatch(/^usage: cdk8s-istio <command>/);
  });

  test.each([
    [['analyze'], 'cdk8s-istio analyze: no file or directory to analyze (see --help)'],
    [['lint', 'x.yaml'], "cdk8s-istio: unknown command 'lint' (commands: init, analyze, explain, diff; see --help)"],
    [['analyze', '--fix', 'x.yaml'], 'cdk8s-istio analyze: unknown option --fix (see --help)'],
    [['analyze', '--suppress'], 'cdk8s-istio analyze: --suppress needs a value (see --help)'],
  ])('usage errors are one line and exit 2: %p', (argv, message) => {
    const { code, stderr } = run(...argv);
    expect([code, stderr]).toEqual([2, `${message}\n`]);
  });

  test('--version prints the package version', () => {
    const { code, stdout } = run('--version');
    expect([code, stdout.trim()]).toEqual([0, JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version]);
  });

  test('each command has its own --help with its exit codes', () => {
    for (const command of ['analyze', 'explain', 'diff']) {
      const { code, stdout } = run(command, '--help');
      expect(code).toBe(0);
      expect(stdout).toMatch(new RegExp(`^usage: cdk8s-istio ${command} `));
      expect(stdout).toContain('Exit codes: 0');
    }
  });

  test('bad arguments are one line and exit code 2', () => {
    for (const argv of [['analyze', '--bogus', 'x'], ['analyze'], ['lint', 'x'], ['analyze', '--suppress', 'CI999', 'x']]) {
      const { code, stderr } = run(...argv);
      expect(code).toBe(2);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  test('--crd checks a controller\'s objects against its CRD; a CRD in the input counts too; a file without one is exit 2', () => {
    const crd = path.join(SHARED, 'flagger-1.44.0', 'crd.yaml');
    const canary = write('canary.yaml', `apiVersion: flagger.app/v1beta1
kind: Canary
metadata: { name: podinfo, namespace: test }
spec:
  targetRef: { apiVersion: apps/v1, kind: Deployment, name: podinfo }
  service: { port: 9898 }
  analysis: { interval: 1h, threshold: 5, stepWeights: [10] }
`);
    expect(run('analyze', canary).stdout).toContain('CI005');
    const checked = run('analyze', '--crd', crd, canary);
    expect([checked.code, checked.stdout.trim()]).toEqual([1, `${canary}:7  CI101  error  Canary/test/podinfo  spec.analysis.interval: must match pattern "^[0-9]+(m|s)"`]);
    expect(run('analyze', crd, canary).stdout).toContain('spec.analysis.interval: must match pattern');
    const none = run('analyze', '--crd', canary, canary);
    expect([none.code, none.stderr]).toEqual([2, `cdk8s-istio analyze: --crd ${canary} holds no readable CustomResourceDefinition\n`]);
  });

  test('--suppress hides the findings it names', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-suppress-'));
    const file = path.join(dir, 'rule.yaml');
    fs.writeFileSync(file, 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: api, namespace: shop }\n'
      + 'spec: { host: api.example.com, trafficPolicy: { tls: { mode: SIMPLE } } }\n');
    expect(run('analyze', file).stdout).toContain('CI228');
    const suppressed = run('analyze', '--suppress', 'IST0128', '--suppress=CI248=DestinationRule api.shop', file);
    expect([suppressed.code, suppressed.stdout]).toEqual([0, '']);
  });
});


describe('cdk8s-istio analyze --complete', () => {
  test('the tutorial\'s routes alone: without Bookinfo\'s Services nothing can be checked, with --complete their absence is an error', () => {
    const file = write('routes.yaml', TUTORIAL_90_10);
    expect(run('analyze', file).stdout).not.toMatch(/CI201/);
    const complete = run('analyze', '--complete', file);
    expect(complete.code).toBe(1);
    expect(complete.stdout).toMatch(/CI201 {2}error {2}VirtualService\/default\/reviews/);
  });
});
