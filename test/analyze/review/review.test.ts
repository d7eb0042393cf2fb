import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../../lib/analyze/cli';
import { BOOKINFO_SAMPLES, DIST } from '../../fixtures';



const STEPS = path.join(DIST, 'steps');

const SAMPLES = path.join(BOOKINFO_SAMPLES, 'networking');

function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = main(argv, s => { stdout += s; }, s => { stderr += s; });
  return { code, stdout, stderr };
}

function step(name: string): string {
  return path.join(STEPS, `${name}.k8s.yaml`);
}

function write(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-review-'));

/** A Service of namespace shop selecting pods `app: <name>`, and the namespace's allow-nothing, as YAML documents. */
const shopService = (name: string) => `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: shop }
spec: { selector: { app: ${name} }, ports: [{ port: 80, name: http }] }
`;

const SHOP_ALLOW_NOTHING = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: allow-nothing, namespace: shop }
spec: {}
`;

/** A release step diffed against the one before, both on top of the state `base`: exactly `lines`, exit 1. */
function expectStepDiff(base: string, before: string, after: string, lines: string[]): void {
  const { code, stdout } = run('diff', '--exit-code', '--base', base, before, after);
  expect(stdout.trim().split('\n')).toEqual(lines);
  expect(code).toBe(1);
}

describe('diff: the tutorial\'s release steps, each on top of the deployed state', () => {
  test.each([
    ['01-blue', '02-green', ['reviews (bookinfo): plain requests: v1 100% → 0%, v2 0% → 100%']],
    ['02-green', '03-round-robin', ['reviews (bookinfo): plain requests: v2 100% → 0%, all endpoints 0% → 100%']],
    ['03-round-robin', '04-canary-10', ['reviews (bookinfo): plain requests: all endpoints 100% → 0%, v1 0% → 90%, v2 0% → 10%']],
    ['04-canary-10', '05-canary-50', ['reviews (bookinfo): plain requests: v1 90% → 50%, v2 10% → 50%']],
    ['05-canary-50', '06-canary-100', ['reviews (bookinfo): plain requests: v1 50% → 0%, v2 50% → 100%']],
    ['06-canary-100', '07-iphone', [
      'reviews (bookinfo): + route for user-agent ~ .*iPhone.* → v2 100% [version=v2: reviews-v2] (retries 2 attempts, 1s per try, on gateway-error,connect-failure,refused-stream)',
      'reviews (bookinfo): plain requests: v1 0% → 100%, v2 100% → 0%',
    ]],
    ['07-iphone', '08-fault', [
      'ratings (bookinfo): + delay 2s on 100% of plain requests',
      'reviews (bookinfo): plain requests: v1 100% → 0%, v2 0% → 100%',
      'reviews (bookinfo): plain requests: + timeout 0.5s',
      'reviews (bookinfo): plain requests: retries 2 attempts, 1s per try, on gateway-error,connect-failure,refused-stream → 2 attempts, 0.25s per try, on gateway-error,connect-failure,refused-stream',
      'reviews (bookinfo): - route for user-agent ~ .*iPhone.* (was → v2 100% [version=v2: reviews-v2])',
    ]],
  ])('%s → %s', (before, after, lines) => expectStepDiff(DIST, step(before), step(after), lines));

  test('a step against itself, and the state against a copy, are no traffic change (exit 0 with --exit-code)', () => {
    expect(run('diff', '--exit-code', step('05-canary-50'), step('05-canary-50'))).toEqual({ code: 0, stdout: 'no traffic changes\n', stderr: '' });
    expect(run('diff', '--exit-code', DIST, DIST).stdout).toBe('no traffic changes\n');
  });
});

describe('diff: Istio\'s own samples', () => {
  test('90/10 → 50/50 with v3 names each weight change', () => {
    const { stdout } = run('diff', path.join(SAMPLES, 'virtual-service-reviews-90-10.yaml'), path.join(SAMPLES, 'virtual-service-reviews-50-v3.yaml'));
    expect(stdout).toBe('reviews (default): plain requests: v1 90% → 50%, v2 10% → 0%, v3 0% → 50%\n');
  });

  test('the Gateway API samples: 90/10 → 50/50 with v3, on Bookinfo and its version Services, as their VirtualService twins', () => {
    const kube = path.join(SAMPLES, '../platform/kube');
    const { stdout } = run('diff', '--base', path.join(kube, 'bookinfo.yaml'), '--base', path.join(kube, 'bookinfo-versions.yaml'),
      path.join(SAMPLES, '../gateway-api/route-reviews-90-10.yaml'), path.join(SAMPLES, '../gateway-api/route-reviews-50-v3.yaml'));
    expect(stdout).toBe('reviews (default): plain requests: reviews-v1 90% → 50%, reviews-v2 10% → 0%, reviews-v3 0% → 50%\n');
  });

  test('the jason route of test-v2 is a new match route before the default', () => {
    const { stdout } = run('diff', path.join(SAMPLES, 'virtual-service-all-v1.yaml'), path.join(SAMPLES, 'virtual-service-reviews-test-v2.yaml'));
    expect(stdout).toMatch(/^reviews \(default\): \+ route for end-user = jason → v2 100%/m);
  });
});

describe('diff: formatting is no change', () => {
  const ORIGINAL = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: shop
spec:
  hosts:
  - reviews
  http:
  - match:
    - headers:
        user-agent:
          regex: ".*iPhone.*"
    route:
    - destination:
        host: reviews
        subset: v2
  - route:
    - destination:
        host: reviews
        subset: v1
      weight: 90
    - destination:
        host: reviews
        subset: v2
      weight: 10
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews, namespace: shop }
spec: { host: reviews, subsets: [{ name: v1, labels: { version: v1 } }, { name: v2, labels: { version: v2 } }] }
`;
  // objects reordered, keys reordered, flow style, other quoting, v1alpha3, a match name (which Istio ignores)
  const REFORMATTED = `apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
spec:
  subsets:
  - labels: {version: 'v1'}
    name: 'v1'
  - {name: v2, labels: {version: v2}}
  host: reviews
metadata: {namespace: shop, name: reviews}
---
kind: VirtualService
apiVersion: networking.istio.io/v1alpha3
spec:
  http:
  - route: [{destination: {subset: v2, host: reviews}}]
    match: [{name: iphones, headers: {user-agent: {regex: '.*iPhone.*'}}}]
  - route: [{weight: 90, destination: {host: reviews, subset: v1}}, {destination: {subset: v2, host: reviews}, weight: 10}]
  hosts: [reviews]
metadata: {name: reviews, namespace: shop}
`;

  test('a reformatted but equivalent file diffs as no traffic changes', () => {
    const dir = tmp();
    const { code, stdout } = run('diff', '--exit-code', write(dir, 'a.yaml', ORIGINAL), write(dir, 'b.yaml', REFORMATTED));
    expect(stdout).toBe('no traffic changes\n');
    expect(code).toBe(0);
  });

  test('swapping the two routes is a change: the first match wins', () => {
    const dir = tmp();
    const swapped = ORIGINAL.replace(/ {2}- match:[\s\S]*?subset: v2\n( {2}- route:[\s\S]*?weight: 10\n)/, (_, def) => def);
    expect(swapped).not.toBe(ORIGINAL);
    const { stdout } = run('diff', write(dir, 'a.yaml', ORIGINAL), write(dir, 'b.yaml', swapped));
    expect(stdout).toMatch(/- route for user-agent ~ \.\*iPhone\.\*/);
  });
});

describe('diff: routes that match the same requests', () => {
  // two catch-alls: the second is never reached, but a file may hold it (a fault route left below the default)
  const catchAlls = (...routes: string[]) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: shop }
spec:
  hosts: [reviews]
  http:
${routes.join('')}---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews, namespace: shop }
spec: { host: reviews, subsets: [{ name: v1, labels: { version: v1 } }, { name: v2, labels: { version: v2 } }] }
`;
  const TO_V1 = '  - route: [{ destination: { host: reviews, subset: v1 } }]\n';
  const ABORT_V2 = '  - route: [{ destination: { host: reviews, subset: v2 } }]\n    fault: { abort: { httpStatus: 503, percentage: { value: 100 } } }\n';
  const DELAY_V2 = '  - route: [{ destination: { host: reviews, subset: v2 } }]\n    fault: { delay: { fixedDelay: 2s, percentage: { value: 100 } } }\n';

  test('swapping two catch-alls is an order change naming each by destination, not two changed routes', () => {
    const dir = tmp();
    const { stdout } = run('diff', write(dir, 'a.yaml', catchAlls(TO_V1, ABORT_V2)), write(dir, 'b.yaml', catchAlls(ABORT_V2, TO_V1)));
    expect(stdout.trim().split('\n')).toEqual([
      'reviews (shop): route order: plain requests (→ v1 100% [version=v1]), plain requests (→ v2 100% [version=v2]) → plain requests (→ v2 100% [version=v2]), plain requests (→ v1 100% [version=v1]) (the first match wins)',
    ]);
  });

  test('an unchanged catch-all pairs with its twin, and the edited one with the route of the same destination', () => {
    const dir = tmp();
    const { stdout } = run('diff', write(dir, 'a.yaml', catchAlls(TO_V1, ABORT_V2)), write(dir, 'b.yaml', catchAlls(TO_V1, DELAY_V2)));
    expect(stdout.trim().split('\n')).toEqual([
      'reviews (shop): + delay 2s on 100% of plain requests',
      'reviews (shop): - abort 503 on 100% of plain requests',
    ]);
  });

  test('a removed catch-all is the one that is gone, whatever its position', () => {
    const dir = tmp();
    const { stdout } = run('diff', write(dir, 'a.yaml', catchAlls(ABORT_V2, TO_V1)), write(dir, 'b.yaml', catchAlls(TO_V1)));
    expect(stdout.trim().split('\n')).toEqual(['reviews (shop): - route for plain requests (was → v2 100% [version=v2])']);
  });
});

describe('hosts a delivery controller releases', () => {
  const FLAGGER_DIR = path.join(DIST, 'flagger');
  const ARGO_DIR = path.join(DIST, 'argo-rollouts');

  test('explain: a Flagger host routes to its -primary and -canary Services with weights Flagger sets, and says how it steps', () => {
    const reviews = run('explain', FLAGGER_DIR).stdout.split('\n\n').find(b => b.startsWith('reviews (bookinfo-flagger)'))!;
    expect(reviews.split('\n').slice(0, 4)).toEqual([
      'reviews (bookinfo-flagger)  routed by Flagger (Canary bookinfo-flagger/reviews)',
      '  route 1  plain requests → reviews-primary 100%, reviews-canary 0% (weights managed by Flagger (Canary bookinfo-flagger/reviews))',
      '           retries 2 attempts, 1s per try, on gateway-error,connect-failure,refused-stream',
      '  delivery Flagger (Canary bookinfo-flagger/reviews): 10%, 50%, then promotion, every 1m',
    ]);
  });

  test('explain: the route an Argo Rollout names is marked as managed by it', () => {
    const reviews = run('explain', ARGO_DIR).stdout.split('\n\n').find(b => b.startsWith('reviews (bookinfo-argo-rollouts)'))!;
    expect(reviews).toContain('(weights managed by Argo Rollouts (Rollout bookinfo-argo-rollouts/reviews))');
    expect(reviews).toContain('  delivery Argo Rollouts (Rollout bookinfo-argo-rollouts/reviews): 10%, 50%, then promotion');
  });

  test('diff: weights the controller sets are no change; its steps are', () => {
    const dir = tmp();
    const argo = fs.readFileSync(path.join(ARGO_DIR, 'bookinfo.k8s.yaml'), 'utf8');
    const moved = argo.replace(/weight: 100\n(\s+- destination:\n\s+host: reviews\n\s+subset: canary\n\s+)weight: 0/, 'weight: 90\n$1weight: 10');
    expect(moved).not.toBe(argo);
    expect(run('diff', '--exit-code', write(dir, 'a.yaml', argo), write(dir, 'b.yaml', moved))).toMatchObject({ code: 0, stdout: 'no traffic changes\n' });
    const flagger = fs.readFileSync(path.join(FLAGGER_DIR, 'bookinfo.k8s.yaml'), 'utf8');
    const slower = flagger.replace('      - 10\n      - 50\n', '      - 10\n      - 25\n      - 50\n');
    expect(slower).not.toBe(flagger);
    expect(run('diff', write(dir, 'c.yaml', flagger), write(dir, 'd.yaml', slower)).stdout).toBe('reviews (bookinfo-flagger): delivery Flagger (Canary bookinfo-flagger/reviews): '
      + '10%, 50%, then promotion, every 1m → Flagger (Canary bookinfo-flagger/reviews): 10%, 25%, 50%, then promotion, every 1m\n');
  });
});

describe('diff: security and policy', () => {
  const POLICY = (callers: string) => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: allow-reviews, namespace: bookinfo }
spec:
  selector: { matchLabels: { app: reviews } }
  action: ALLOW
  rules: [{ from: [{ source: { principals: [${callers}] } }] }]
`;
  const WORKLOADS = `apiVersion: v1
kind: Service
metadata: { name: reviews, namespace: bookinfo }
spec: { selector: { app: reviews }, ports: [{ port: 9080, name: http }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: reviews-v1, namespace: bookinfo }
spec: { selector: { matchLabels: { app: reviews } }, template: { metadata: { labels: { app: reviews, version: v1 } }, spec: { serviceAccountName: bookinfo-reviews, containers: [{ name: r, image: r }] } } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: productpage-v1, namespace: bookinfo }
spec: { selector: { matchLabels: { app: productpage } }, template: { metadata: { labels: { app: productpage } }, spec: { serviceAccountName: bookinfo-productpage, containers: [{ name: p, image: p }] } } }
`;

  test('a caller the AuthorizationPolicy stops admitting is named', () => {
    const dir = tmp();
    const before = write(dir, 'before.yaml', `${WORKLOADS}---\n${POLICY('"cluster.local/ns/bookinfo/sa/bookinfo-productpage", "cluster.local/ns/shop/sa/cart"')}`);
    const after = write(dir, 'after.yaml', `${WORKLOADS}---\n${POLICY('"cluster.local/ns/shop/sa/cart"')}`);
    expect(run('diff', before, after).stdout).toBe('reviews (bookinfo): productpage (bookinfo) may no longer call it\n');
    expect(run('diff', after, before).stdout).toBe('reviews (bookinfo): + productpage (bookinfo) may call it\n');
  });

  test('a deleted PeerAuthentication and a changed outlier detection are changes', () => {
    const before = run('diff', DIST, path.join(DIST, 'bookinfo.k8s.yaml'));
    // dist/ without mesh.k8s.yaml: telemetry is not traffic, so nothing changes
    expect(before.stdout).toBe('no traffic changes\n');
    const dir = tmp();
    const state = fs.readFileSync(path.join(DIST, 'bookinfo.k8s.yaml'), 'utf8');
    const weaker = state.replace('consecutive5xxErrors: 5', 'consecutive5xxErrors: 50').replace(/---\napiVersion: security.istio.io\/v1\nkind: PeerAuthentication[\s\S]*?(?=---\n)/, '');
    const { stdout } = run('diff', path.join(DIST, 'bookinfo.k8s.yaml'), write(dir, 'weaker.yaml', weaker));
    expect(stdout).toContain('ratings (bookinfo): outlierDetection.consecutive5xxErrors 5 → 50');
    expect(stdout).toContain('reviews (bookinfo): mTLS STRICT → PERMISSIVE');
  });
});

describe('diff: git revisions', () => {
  test('compares main:dir with the working tree, and names an unknown revision in one line (exit 2)', () => {
    const repo = tmp();
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
    git('init', '-q');
    fs.mkdirSync(path.join(repo, 'dist'));
    fs.copyFileSync(step('04-canary-10'), path.join(repo, 'dist', 'reviews.yaml'));
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'ten');
    fs.copyFileSync(step('05-canary-50'), path.join(repo, 'dist', 'reviews.yaml'));
    const cwd = process.cwd();
    process.chdir(repo);
    try {
      expect(run('diff', 'HEAD:dist/', 'dist/').stdout).toBe('reviews (bookinfo): plain requests: v1 90% → 50%, v2 10% → 50%\n');
      expect(run('diff', 'HEAD:dist/reviews.yaml', 'dist/reviews.yaml').stdout).toContain('v1 90% → 50%');
      expect(run('diff', 'nope:dist/', 'dist/')).toEqual({ code: 2, stdout: '', stderr: "cdk8s-istio diff: unknown git revision 'nope' (in 'nope:dist/')\n" });
      expect(run('diff', 'HEAD:missing/', 'dist/').stderr).toBe("cdk8s-istio diff: 'missing/' does not exist in revision 'HEAD'\n");
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('bad input: one line, exit code 2', () => {
  test.each([
    [['diff', '/no/such/file.yaml', step('01-blue')], /^cdk8s-istio diff: \/no\/such\/file\.yaml: no such file or directory\n$/],
    [['diff', step('01-blue')], /^cdk8s-istio diff: diff takes two inputs, <before> and <after>, got 1\n$/],
    [['explain', '--format', 'html', DIST], /^cdk8s-istio explain: --format must be one of text, markdown, json, got 'html'\n$/],
    [['explain', '--wat', DIST], /^cdk8s-istio explain: unknown option --wat \(see --help\)\n$/],
  ])('%p', (argv, message) => {
    const { code, stdout, stderr } = run(...argv);
    expect([code, stdout]).toEqual([2, '']);
    expect(stderr).toMatch(message);
  });

  test('invalid YAML names the file and line', () => {
    const file = write(tmp(), 'bad.yaml', 'apiVersion: v1\nkind: Service\nmetadata: { name: [unclosed\n');
    const { code, stderr } = run('explain', file);
    expect(code).toBe(2);
    expect(stderr.split('\n')).toHaveLength(2);
    expect(stderr).toMatch(new RegExp(`^cdk8s-istio explain: ${file.replace(/[.]/g, '\\.')}(:\\d+)?: `));
  });
});

describe('explain', () => {
  test('the iPhone step on the state: matches, destinations with subsets and pod labels, policy, mTLS, callers', () => {
    const { code, stdout } = run('explain', DIST, step('07-iphone'));
    expect(code).toBe(0);
    const reviews = stdout.split('\n\n').find(block => block.startsWith('reviews (bookinfo)'))!;
    expect(reviews.trim().split('\n')).toEqual([
      'reviews (bookinfo)  VirtualService bookinfo/reviews',
      '  route 1  user-agent ~ .*iPhone.* → v2 100% [version=v2: reviews-v2]',
      '           retries 2 attempts, 1s per try, on gateway-error,connect-failure,refused-stream',
      '  route 2  plain requests → v1 100% [version=v1: reviews-v1], v2 0% [version=v2: reviews-v2]',
      '           retries 2 attempts, 1s per try, on gateway-error,connect-failure,refused-stream',
      '  subsets  v1 [version=v1: reviews-v1], v2 [version=v2: reviews-v2], v3 [version=v3: reviews-v3]',
      '  mTLS     STRICT (PeerAuthentication bookinfo/default)',
      '  callers  productpage (bookinfo)',
    ]);
    const ratings = stdout.split('\n\n').find(block => block.startsWith('ratings (bookinfo)'))!;
    expect(ratings).toContain('policy   connectionPool.http.http1MaxPendingRequests 100; connectionPool.http.maxRequestsPerConnection 10; outlierDetection.baseEjectionTime 30s');
  });

  test('the fault step shows the delay and the timeout', () => {
    const { stdout } = run('explain', DIST, step('08-fault'));
    expect(stdout).toContain('  route 1  plain requests → v1 100% [version=v1: ratings-v1]\n           delay 2s on 100%');
    expect(stdout).toMatch(/route 1 {2}plain requests → v2 100% \[version=v2: reviews-v2\]\n {11}timeout 0\.5s; retries/);
  });

  test('allow-nothing is made visible, and an undefined subset is marked with the analyzer\'s finding', () => {
    const dir = tmp();
    const file = write(dir, 'mesh.yaml', `${shopService('cart')}---
${SHOP_ALLOW_NOTHING}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: cart, namespace: shop }
spec: { hosts: [cart], http: [{ route: [{ destination: { host: cart, subset: v9 } }] }] }
`);
    const { stdout } = run('explain', file);
    expect(stdout).toContain('callers  nobody: ALLOW policies apply and admit no caller (allow-nothing)');
    expect(stdout).toMatch(/! CI202 error: destination subset 'v9' of host 'cart' is not defined by any DestinationRule/);
  });

  test('--format json is the model, --format markdown a table per host and a Mermaid flowchart', () => {
    const json = JSON.parse(run('explain', '--format', 'json', DIST).stdout);
    expect(json.hosts.map((h: any) => h.host)).toEqual(['details', 'productpage', 'ratings', 'reviews', '* via gateway bookinfo/bookinfo-gateway']);
    const markdown = run('explain', '--format', 'markdown', DIST).stdout;
    expect(markdown).toContain('#### reviews (bookinfo)\n\n| # | match | destinations | timeout, retries, fault, mirror |');
    expect(markdown).toMatch(/```mermaid\nflowchart LR\n/);
  });
});

describe('routes at gateways: what an ingress does with a hostname, and who may send through it', () => {
  test('a changed ingress path is a traffic change', () => {
    const dir = tmp();
    const before = write(dir, 'before/bookinfo.yaml', fs.readFileSync(path.join(DIST, 'bookinfo.k8s.yaml'), 'utf8'));
    const after = write(dir, 'after/bookinfo.yaml', fs.readFileSync(before, 'utf8').replace('exact: /productpage', 'exact: /productpage2'));
    expect(run('diff', before, after).stdout.trim().split('\n')).toEqual([
      '* via gateway bookinfo/bookinfo-gateway (bookinfo): + route for uri = /productpage2 or uri ^= /static or uri = /login or uri = /logout or uri ^= /api/v1/products → productpage:9080 100%',
      '* via gateway bookinfo/bookinfo-gateway (bookinfo): - route for uri = /productpage or uri ^= /static or uri = /login or uri = /logout or uri ^= /api/v1/products (was → productpage:9080 100%)',
    ]);
  });

  test('a default deny that reaches the gateway\'s proxy shows as nobody, with the analyzer\'s finding on the Gateway', () => {
    const file = write(tmp(), 'edge.yaml', `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: edge, namespace: shop }
spec: { gatewayClassName: istio, listeners: [{ name: http, port: 80, protocol: HTTP }] }
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: edge, namespace: shop }
spec: { parentRefs: [{ name: edge }], rules: [{ backendRefs: [{ name: web, port: 80 }] }] }
---
${shopService('web')}---
${SHOP_ALLOW_NOTHING}`);
    const entry = run('explain', file).stdout.split('\n\n').find(b => b.startsWith('* via gateway shop/edge'))!;
    expect(entry).toContain('callers  nobody: ALLOW policies apply and admit no caller (allow-nothing)');
    expect(entry).toMatch(/! CI263 error: Gateway shop\/edge takes requests from clients outside the mesh/);
  });

  test('explain: the ingress routes in istiod\'s order, and the policies of the gateway\'s proxy (the JWT edge denies)', () => {
    const ambient = run('explain', path.join(DIST, 'gateway-api')).stdout.split('\n\n').find(b => b.startsWith('* via gateway'))!;
    expect(ambient.trim().split('\n')).toEqual([
      '* via gateway bookinfo-ambient/bookinfo-gateway (bookinfo-ambient)  HTTPRoute bookinfo-ambient/bookinfo',
      '  route 1  uri = /productpage → productpage 100% [app=productpage: productpage-v1]',
      '  route 2  uri = /logout → productpage 100% [app=productpage: productpage-v1]',
      '  route 3  uri = /login → productpage 100% [app=productpage: productpage-v1]',
      '  route 4  uri ^= /api/v1/products → productpage 100% [app=productpage: productpage-v1]',
      '  route 5  uri ^= /static → productpage 100% [app=productpage: productpage-v1]',
      // istiod gives every route that sets none its default retry policy
      '  retries  a route that shows none gets Istio\'s default: 2 attempts, on connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes (status 503)',
      '  mTLS     not applicable: the gateway terminates its clients\' connections',
      // its proxy runs in the namespace: the namespace's allow-only-waypoint applies beside allow-ingress
      '  callers  anyone, sa waypoint (bookinfo-ambient)',
    ]);
    const sidecars = run('explain', DIST, path.join(DIST, 'optional')).stdout;
    expect(sidecars).toContain('callers  anyone (no ALLOW policy applies) (DENY policies: istio-system/ingress-require-jwt)');
  });
});

describe('rewrites and header changes', () => {
  test('of both families, as istiod translates URLRewrite and the header modifiers; a changed header is a change', () => {
    const yaml = (env: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: web, namespace: shop }
spec:
  hosts: [web]
  http:
  - match: [{ uri: { prefix: /v1 } }]
    rewrite: { uri: /v2, authority: api.internal }
    headers: { request: { set: { x-env: ${env} }, remove: [x-debug] }, response: { add: { x-served-by: web } } }
    route: [{ destination: { host: web } }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: api, namespace: shop }
spec:
  parentRefs: [{ group: "", kind: Service, name: api }]
  rules:
  - filters:
    - { type: URLRewrite, urlRewrite: { hostname: api.internal, path: { type: ReplacePrefixMatch, replacePrefixMatch: /v2 } } }
    - { type: RequestHeaderModifier, requestHeaderModifier: { set: [{ name: x-env, value: canary }], remove: [x-debug] } }
    backendRefs: [{ name: api, port: 80 }]
`;
    const dir = tmp();
    const before = write(dir, 'before.yaml', yaml('canary'));
    const lines = run('explain', before).stdout.split('\n');
    expect(lines).toContain('           rewrite uri /v2, authority api.internal; headers request set x-env=canary; request remove x-debug; response add x-served-by=web');
    expect(lines).toContain('           rewrite uri /v2, authority api.internal; headers request set x-env=canary; request remove x-debug');
    const after = write(dir, 'after.yaml', yaml('stable'));
    expect(run('diff', before, after).stdout).toBe('web (shop): uri ^= /v1: headers request set x-env=canary; request remove x-debug; response add x-served-by=web '
      + '→ request set x-env=stable; request remove x-debug; response add x-served-by=web\n');
  });
});

describe('hosts a ServiceEntry adds', () => {
  test('a new external host is a traffic change; neither mTLS nor the namespace\'s policies apply to it', () => {
    const dir = tmp();
    const service = `${shopService('web')}---
${SHOP_ALLOW_NOTHING}`;
    const before = write(dir, 'before.yaml', service);
    const after = write(dir, 'after.yaml', `${service}---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: payments, namespace: shop }
spec: { hosts: [api.payments.example.com], location: MESH_EXTERNAL, resolution: DNS, ports: [{ number: 443, name: tls, protocol: TLS }] }
`);
    expect(run('diff', before, after).stdout).toBe('api.payments.example.com (shop): + host (1 route)\n');
    const block = run('explain', after).stdout.split('\n\n').find(b => b.startsWith('api.payments.example.com'))!;
    expect(block).toContain('mTLS     not applicable: a host outside the mesh (ServiceEntry shop/payments)');
    expect(block).toContain('callers  anyone (no ALLOW policy applies)');
    // without location, Istio takes the ServiceEntry as MESH_EXTERNAL
    const unset = write(dir, 'unset.yaml', fs.readFileSync(after, 'utf8').replace('location: MESH_EXTERNAL, ', ''));
    expect(run('explain', unset).stdout).toContain('mTLS     not applicable: a host outside the mesh (ServiceEntry shop/payments)');
  });
});

describe('responses the proxy gives itself', () => {
  test('redirects and direct responses, of both families, per listener; a changed redirect is a change', () => {
    const yaml = (scheme: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: web-https-redirect, namespace: shop }
spec: { parentRefs: [{ name: edge, sectionName: http }], hostnames: [shop.example.com], rules: [{ filters: [{ type: RequestRedirect, requestRedirect: { scheme: ${scheme}, statusCode: 301 } }] }] }
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: web, namespace: shop }
spec: { parentRefs: [{ name: edge, sectionName: https }], hostnames: [shop.example.com], rules: [{ backendRefs: [{ name: web, port: 80 }] }, { matches: [{ path: { type: PathPrefix, value: /old } }] }] }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: legacy, namespace: shop }
spec: { hosts: [legacy.example.com], gateways: [edge-istio], http: [{ match: [{ uri: { prefix: /a } }], redirect: { uri: /b, authority: new.example.com } }, { directResponse: { status: 503 } }] }
`;
    const dir = tmp();
    const before = write(dir, 'before.yaml', yaml('https'));
    const blocks = run('explain', before).stdout.split('\n\n');
    const routesOf = (start: string) => blocks.find(b => b.startsWith(start))!.split('\n').filter(l => l.startsWith('  route'));
    expect(routesOf('legacy.example.com via gateway shop/edge-istio')).toEqual([
      '  route 1  uri ^= /a → redirect 301: host new.example.com, path /b',
      '  route 2  plain requests → respond 503',
    ]);
    expect(routesOf('shop.example.com via gateway shop/edge/http')).toEqual(['  route 1  plain requests → redirect 301: scheme https']);
    // istiod answers 404 for a rule without backends
    expect(routesOf('shop.example.com via gateway shop/edge/https')).toEqual(['  route 1  uri ^= /old → respond 404', '  route 2  plain requests → web:80 100%']);
    const after = write(dir, 'after.yaml', yaml('http'));
    expect(run('diff', before, after).stdout.trim()).toBe('shop.example.com via gateway shop/edge/http (shop): plain requests: response redirect 301: scheme https → redirect 301: scheme http');
  });
});

describe('the Gateway API in ambient mode: HTTPRoutes read as istiod translates them, callers at the waypoint', () => {
  const AMBIENT = path.join(DIST, 'gateway-api');
  const ambientStep = (name: string) => path.join(AMBIENT, 'steps', `${name}.k8s.yaml`);

  test.each([
    ['01-blue', '02-green', ['reviews (bookinfo-ambient): plain requests: reviews-v1 100% → 0%, reviews-v2 0% → 100%']],
    ['03-round-robin', '04-canary-10', ['reviews (bookinfo-ambient): plain requests: all endpoints 100% → 0%, reviews-v1 0% → 90%, reviews-v2 0% → 10%']],
    ['04-canary-10', '05-canary-50', ['reviews (bookinfo-ambient): plain requests: reviews-v1 90% → 50%, reviews-v2 10% → 50%']],
    ['07-iphone', '08-fault', [
      'reviews (bookinfo-ambient): plain requests: reviews-v1 100% → 0%, reviews-v2 0% → 100%',
      'reviews (bookinfo-ambient): plain requests: + timeout 500ms',
      'reviews (bookinfo-ambient): plain requests: retries 2 attempts, 500ms per try, on connect-failure,refused-stream,unavailable,cancelled,502,503,504 → 2 attempts, 250ms per try, on connect-failure,refused-stream,unavailable,cancelled,502,503,504',
      'reviews (bookinfo-ambient): - route for user-agent ~ .*iPhone.* (was → reviews-v2 100% [app=reviews, version=v2: reviews-v2])',
    ]],
  ])('diff %s → %s names the version Services as the sidecar diff names subsets', (before, after, lines) =>
    expectStepDiff(AMBIENT, ambientStep(before), ambientStep(after), lines));

  test('explain the iPhone step: the match first, per-try timeouts and retry codes as istiod sets them, callers admitted at the waypoint', () => {
    const blocks = run('explain', AMBIENT, ambientStep('07-iphone')).stdout.split('\n\n');
    expect(blocks.find(b => b.startsWith('reviews (bookinfo-ambient)'))!.trim().split('\n')).toEqual([
      'reviews (bookinfo-ambient)  HTTPRoute bookinfo-ambient/reviews',
      '  route 1  user-agent ~ .*iPhone.* → reviews-v2 100% [app=reviews, version=v2: reviews-v2]',
      '           retries 2 attempts, 500ms per try, on connect-failure,refused-stream,unavailable,cancelled,502,503,504',
      '  route 2  plain requests → reviews-v1 100% [app=reviews, version=v1: reviews-v1], reviews-v2 0% [app=reviews, version=v2: reviews-v2]',
      '           retries 2 attempts, 500ms per try, on connect-failure,refused-stream,unavailable,cancelled,502,503,504',
      '  mTLS     STRICT (PeerAuthentication bookinfo-ambient/default)',
      '  callers  productpage (bookinfo-ambient)',
    ]);
    // a version Service is reached through its host's routes, whose callers the waypoint admits (not "nobody")
    expect(blocks.find(b => b.startsWith('reviews-v1 (bookinfo-ambient)'))).toContain('callers  those of reviews: a version of it, reached through its routes');
  });

  test('a Service selecting part of another\'s pods is a version of the first such Service of its namespace', () => {
    const service = (name: string, namespace: string, selector: string) => `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${namespace} }
spec: { selector: { ${selector} }, ports: [{ port: 80, name: http }] }
`;
    const file = write(tmp(), 'versions.yaml', [
      service('cart-v2', 'shop', 'app: cart, version: v2'),
      service('other', 'elsewhere', 'app: cart'),
      service('cart-any', 'shop', 'version: v2'),
      service('cart', 'shop', 'app: cart'),
      service('cart-v2b', 'shop', 'app: cart, version: v2'),
      service('ratings', 'shop', 'app: ratings'),
    ].join('---\n'));
    const { stdout } = run('explain', file);
    const callers = (host: string) => stdout.split('\n\n').find(b => b.startsWith(`${host} (`))?.split('\n').find(l => l.trim().startsWith('callers'))?.trim();
    // the first in the input, whichever of its labels it shares
    expect(callers('cart-v2')).toBe('callers  those of cart-any: a version of it, reached through its routes');
    expect(callers('cart-v2b')).toBe('callers  those of cart-any: a version of it, reached through its routes');
    // a Service of another namespace, or of the same size of selector, is no wider
    expect(callers('cart')).not.toContain('a version of it');
    expect(callers('other')).not.toContain('a version of it');
    expect(callers('ratings')).not.toContain('a version of it');
  });

  test('rules in istiod\'s order (exact path, longer prefix, method, headers, catch-all), weights as shares, mirror and timeouts', () => {
    const file = write(tmp(), 'mesh.yaml', `apiVersion: v1
kind: Service
metadata: { name: shop, namespace: web }
spec: { selector: { app: shop }, ports: [{ port: 80, name: http }] }
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: shop, namespace: web }
spec:
  parentRefs: [{ group: "", kind: Service, name: shop }]
  rules:
    - backendRefs: [{ name: shop-v1, port: 80, weight: 3 }, { name: shop-v2, port: 80 }]
      timeouts: { backendRequest: 2s }
    - matches: [{ headers: [{ name: X-Canary, value: "yes" }] }, { path: { type: PathPrefix, value: / } }]
      backendRefs: [{ name: shop-v2, port: 80 }]
      filters: [{ type: RequestMirror, requestMirror: { backendRef: { name: shop-v3, port: 80 }, percent: 5 } }]
    - matches: [{ path: { type: PathPrefix, value: /api } }, { path: { type: Exact, value: /login }, method: POST }]
      backendRefs: [{ name: shop-v1, port: 8080 }]
      retry: { attempts: 3, codes: [503] }
      timeouts: { request: 10s, backendRequest: 3s }
${['v1', 'v2', 'v3'].map(v => `---
apiVersion: v1
kind: Service
metadata: { name: shop-${v}, namespace: web }
spec: { selector: { app: shop, version: ${v} }, ports: [{ port: 80, name: http }${v === 'v1' ? ', { port: 8080, name: http-admin }' : ''}] }
`).join('')}`);
    const { stdout } = run('explain', file);
    const shop = stdout.split('\n\n').find(b => b.startsWith('shop (web)'))!;
    // a backend's port is named only where its Service has several; the second catch-all is shadowed by the first
    expect(shop.trim().split('\n').slice(0, 11)).toEqual([
      'shop (web)  HTTPRoute web/shop',
      '  route 1  uri = /login and method = POST → shop-v1:8080 100% [app=shop, version=v1]',
      '           timeout 10s; retries 3 attempts, 3s per try, on connect-failure,refused-stream,unavailable,cancelled,503',
      '  route 2  uri ^= /api → shop-v1:8080 100% [app=shop, version=v1]',
      '           timeout 10s; retries 3 attempts, 3s per try, on connect-failure,refused-stream,unavailable,cancelled,503',
      '  route 3  x-canary = yes → shop-v2 100% [app=shop, version=v2]',
      '           mirror to shop-v3 (5%)',
      '  route 4  plain requests → shop-v1:80 75% [app=shop, version=v1], shop-v2 25% [app=shop, version=v2]',
      '           timeout 2s',
      '  route 5  plain requests → shop-v2 100% [app=shop, version=v2]',
      '           mirror to shop-v3 (5%)',
    ]);
  });
});

describe('diff --format markdown and json', () => {
  test('markdown: a table per changed host and a diagram of the changed hosts and their neighbours', () => {
    const { stdout } = run('diff', '--format', 'markdown', '--base', DIST, step('04-canary-10'), step('05-canary-50'));
    expect(stdout).toContain('#### reviews (bookinfo)\n\n| what | before | after | change |\n| --- | --- | --- | --- |\n'
      + '| plain requests | v1 90% [version=v1: reviews-v1], v2 10% [version=v2: reviews-v2] | v1 50% [version=v1: reviews-v1], v2 50% [version=v2: reviews-v2] | plain requests: v1 90% → 50%, v2 10% → 50% |');
    const diagram = /```mermaid\n([\s\S]*?)```/.exec(stdout)![1];
    expect(diagram).toContain('-->|"50%"|');
    expect(diagram).toContain('["productpage (bookinfo)"] -.->|allowed|');
    // details neither calls nor is called by reviews: not drawn
    expect(diagram).not.toContain('details');
  });

  test('json: every change with its host, aspect, before and after', () => {
    const report = JSON.parse(run('diff', '--format', 'json', '--base', DIST, step('07-iphone'), step('08-fault')).stdout);
    expect(report.changed).toBe(true);
    expect(report.changes).toContainEqual(expect.objectContaining({ host: 'ratings', namespace: 'bookinfo', aspect: 'route', after: 'delay 2s on 100% of plain requests' }));
  });
});

describe('diff: durations compare by value', () => {
  const state = (baseEjection: string, timeout: string, perTry: string) => `apiVersion: v1
kind: Service
metadata: { name: cart, namespace: shop }
spec: { selector: { app: cart }, ports: [{ port: 80, name: http }] }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: cart, namespace: shop }
spec: { host: cart, trafficPolicy: { outlierDetection: { baseEjectionTime: ${baseEjection}, consecutive5xxErrors: 5 } } }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: cart, namespace: shop }
spec: { hosts: [cart], http: [{ route: [{ destination: { host: cart } }], timeout: ${timeout}, retries: { attempts: 2, perTryTimeout: ${perTry} } }] }
`;

  test('3m and 180s, 0.5s and 500ms are no change; 3m to 240s is', () => {
    const dir = tmp();
    const before = write(dir, 'before.yaml', state('3m', '0.5s', '0.2s'));
    expect(run('diff', before, write(dir, 'same.yaml', state('180s', '500ms', '200ms'))).stdout).toBe('no traffic changes\n');
    expect(run('diff', before, write(dir, 'longer.yaml', state('240s', '0.5s', '0.2s'))).stdout).toBe('cart (shop): outlierDetection.baseEjectionTime 3m → 240s\n');
  });
});

describe('diff: a policy change without the hosts it protects', () => {
  const policy = (principal: string) => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: allow-web, namespace: shop }
spec: { selector: { matchLabels: { app: web } }, rules: [{ from: [{ source: { principals: [cluster.local/ns/shop/sa/${principal}] } }] }] }
`;

  test('is reported at the workloads it selects as the callers it admits and refuses, added, changed or removed', () => {
    const dir = tmp();
    const before = write(dir, 'before.yaml', policy('frontend'));
    expect(run('diff', before, write(dir, 'changed.yaml', policy('admin'))).stdout).toBe([
      'workloads app=web (shop): + sa admin (shop) may call it (AuthorizationPolicy allow-web changed)',
      'workloads app=web (shop): sa frontend (shop) may no longer call it (AuthorizationPolicy allow-web changed)',
      '',
    ].join('\n'));
    const empty = write(dir, 'empty.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata: { name: other }\n');
    expect(run('diff', empty, before).stdout).toBe([
      'workloads app=web (shop): + sa frontend (shop) may call it (AuthorizationPolicy allow-web added)',
      'workloads app=web (shop): only the callers its ALLOW policies name may call it now (AuthorizationPolicy allow-web added)',
      '',
    ].join('\n'));
    expect(run('diff', before, before).stdout).toBe('no traffic changes\n');
  });

  test('a change that admits the same callers is still reported, as a policy change', () => {
    const dir = tmp();
    const before = write(dir, 'before.yaml', policy('frontend'));
    const relabelled = write(dir, 'relabelled.yaml', policy('frontend').replace('metadata: { name: allow-web, namespace: shop }', 'metadata: { name: allow-web, namespace: shop }\n# same callers, other rule order'));
    expect(run('diff', before, relabelled).stdout).toBe('no traffic changes\n');
    const sameCallers = write(dir, 'same-callers.yaml', policy('frontend').replace('rules: [', 'rules: [{ from: [{ source: { principals: [cluster.local/ns/shop/sa/frontend] } }] }, '));
    expect(run('diff', before, sameCallers).stdout).toBe('workloads app=web (shop): AuthorizationPolicy allow-web changed\n');
  });
});
