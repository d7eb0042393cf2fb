import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../../lib/analyze/cli';

// `explain` as istiod programs a proxy (Istio 1.30; checked against pilot's own translation with
// ../shared/oracles/xds): Istio's default retry policy, relative weights, delegate VirtualServices, what
// the webhook refuses, and one caller's view (its Sidecar, exportTo, sourceLabels).

function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = main(argv, s => { stdout += s; }, s => { stderr += s; });
  return { code, stdout, stderr };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-istiod-'));
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};
const json = (...argv: string[]) => JSON.parse(run('explain', '--format', 'json', ...argv).stdout);
const host = (out: any, fqdn: string) => out.hosts.find((h: any) => h.fqdn === fqdn);

const SERVICES = `apiVersion: v1
kind: Service
metadata: { name: reviews, namespace: shop }
spec: { selector: { app: reviews }, ports: [{ port: 9080, name: http }] }
---
apiVersion: v1
kind: Service
metadata: { name: ratings, namespace: shop }
spec: { selector: { app: ratings }, ports: [{ port: 9080, name: http }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template: { metadata: { labels: { app: web, tier: front } }, spec: { containers: [{ name: web, image: web }] } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: batch, namespace: jobs }
spec:
  selector: { matchLabels: { app: batch } }
  template: { metadata: { labels: { app: batch } }, spec: { containers: [{ name: batch, image: batch }] } }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews, namespace: shop }
spec:
  host: reviews
  subsets: [{ name: v1, labels: { version: v1 } }, { name: v2, labels: { version: v2 } }]`;

const route = (http: string, extra = '') => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: shop }
spec:
  hosts: [reviews]${extra}
  http:
${http}`;

describe('explain as istiod programs it', () => {
  const base = write('base.yaml', SERVICES);

  test('a route without retries gets Istio\'s default retry policy; one without retryOn keeps the default conditions', () => {
    const file = write('retries.yaml', route(`  - match: [{ headers: { end-user: { exact: jason } } }]
    route: [{ destination: { host: reviews, subset: v2 } }]
    retries: { attempts: 3 }
  - match: [{ uri: { prefix: /off } }]
    route: [{ destination: { host: reviews, subset: v1 } }]
    retries: { attempts: 0 }
  - route: [{ destination: { host: reviews, subset: v1 } }]`));
    const routes = host(json(base, file), 'reviews.shop.svc.cluster.local').routes;
    expect(routes.map((r: any) => [r.retries, r.retriesByDefault ?? false])).toEqual([
      ['3 attempts, on connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes', false],
      ['none', false],
      ['2 attempts, on connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes', true],
    ]);
    // a host without any VirtualService gets it too
    expect(host(json(base), 'ratings.shop.svc.cluster.local').routes[0].retriesByDefault).toBe(true);
    expect(run('explain', base, file).stdout).toContain('  retries  a route that shows none gets Istio\'s default: 2 attempts, on connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes (status 503)');
  });

  test('weights that do not sum to 100 are the shares Envoy takes: 1 and 3 are 25% and 75%', () => {
    const file = write('weights.yaml', route(`  - route: [{ destination: { host: reviews, subset: v1 }, weight: 1 }, { destination: { host: reviews, subset: v2 }, weight: 3 }]`));
    const [r] = host(json(base, file), 'reviews.shop.svc.cluster.local').routes;
    expect(r.destinations.map((d: any) => [d.target, d.weight, d.written])).toEqual([['v1', 25, 1], ['v2', 75, 3]]);
    expect(run('explain', base, file).stdout).toContain('plain requests → v1 25% (weight 1) [version=v1], v2 75% (weight 3) [version=v2]');
  });

  test('a VirtualService the webhook refuses is not applied: the cluster keeps the earlier one, and explain says so', () => {
    const good = write('good.yaml', route('  - route: [{ destination: { host: reviews, subset: v1 } }]'));
    const refused = write('refused.yaml', route(`  - route: [{ destination: { host: reviews, subset: v2 } }]
    retries: { perTryTimeout: 2s }`));
    const out = json(base, good, refused);
    expect(host(out, 'reviews.shop.svc.cluster.local').routes[0].destinations[0].target).toBe('v1');
    expect(out.notApplied).toEqual([expect.objectContaining({ object: 'VirtualService/shop/reviews', file: refused, kept: good, reason: expect.stringMatching(/^CI104 spec\.http\[0\]\.retries: /) })]);
    expect(run('explain', base, good, refused).stdout.split('\n')[0]).toMatch(/^not applied: VirtualService\/shop\/reviews \(.*refused\.yaml\) is refused, CI104 .*; the cluster keeps the one of .*good\.yaml$/);
    // diff reviews the state the cluster would keep: the refused change changes nothing, and says why
    const diff = run('diff', '--base', base, good, refused).stdout;
    expect(diff).toMatch(/^not applied: VirtualService\/shop\/reviews .* the cluster keeps none\nreviews \(shop\): /);
  });

  test('delegate VirtualServices merge into their root: matches narrowed, the root\'s timeout inherited, short hosts in the delegate\'s namespace', () => {
    const file = write('delegate.yaml', `${route(`  - match: [{ uri: { prefix: /api } }]
    timeout: 5s
    delegate: { name: reviews-api, namespace: team }
  - route: [{ destination: { host: reviews, subset: v1 } }]`)}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews-api, namespace: team }
spec:
  http:
  - match: [{ uri: { prefix: /api/v2 } }]
    route: [{ destination: { host: reviews.shop.svc.cluster.local, subset: v2 } }]
  - match: [{ uri: { prefix: /other } }]
    route: [{ destination: { host: backend } }]
  - route: [{ destination: { host: reviews.shop.svc.cluster.local, subset: v1 } }]`);
    const routes = host(json(base, file), 'reviews.shop.svc.cluster.local').routes;
    // /other conflicts with the root's /api: istiod drops that delegate route
    expect(routes.map((r: any) => [r.label, r.destinations.map((d: any) => d.target).join(','), r.timeout ?? '-'])).toEqual([
      ['uri ^= /api/v2', 'v2', '5s'],
      ['uri ^= /api', 'v1', '5s'],
      ['plain requests', 'v1', '-'],
    ]);
  });

  test('a delegate missing or not exported to the root\'s namespace drops the root route', () => {
    const file = write('hidden-delegate.yaml', `${route(`  - match: [{ uri: { prefix: /api } }]
    delegate: { name: reviews-api, namespace: team }
  - route: [{ destination: { host: reviews, subset: v1 } }]`)}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews-api, namespace: team }
spec:
  exportTo: [.]
  http: [{ route: [{ destination: { host: reviews.shop.svc.cluster.local, subset: v2 } }] }]`);
    expect(host(json(base, file), 'reviews.shop.svc.cluster.local').routes.map((r: any) => r.label)).toEqual(['plain requests']);
  });
});

describe('explain --from: one caller\'s proxy', () => {
  const base = write('from-base.yaml', SERVICES);

  test('routes whose sourceLabels or sourceNamespace the caller does not meet are not emitted for it', () => {
    const file = write('source.yaml', route(`  - match: [{ sourceLabels: { tier: front } }]
    route: [{ destination: { host: reviews, subset: v2 } }]
  - match: [{ sourceNamespace: jobs }]
    route: [{ destination: { host: reviews, subset: v1 } }]
  - route: [{ destination: { host: reviews, subset: v1 } }]`));
    const labels = (from: string) => host(json('--from', from, base, file), 'reviews.shop.svc.cluster.local').routes.map((r: any) => r.label);
    expect(labels('shop/web')).toEqual(['from pods tier=front', 'plain requests']);
    expect(labels('jobs/batch')).toEqual(['from namespace jobs', 'plain requests']);
    expect(json('--from', 'web', base, file).caller).toBe('shop/web');
  });

  test('a VirtualService exported only to its namespace is not given to callers elsewhere: they get the default route', () => {
    const file = write('export.yaml', route('  - route: [{ destination: { host: reviews, subset: v2 } }]', '\n  exportTo: [.]'));
    expect(host(json('--from', 'shop/web', base, file), 'reviews.shop.svc.cluster.local').virtualService).toBe('shop/reviews');
    const elsewhere = host(json('--from', 'jobs/batch', base, file), 'reviews.shop.svc.cluster.local');
    expect(elsewhere.virtualService).toBeUndefined();
    expect(elsewhere.routes[0].destinations[0].target).toBe('all endpoints');
  });

  test('the caller\'s Sidecar limits the hosts its proxy is given; a Service\'s exportTo annotation too', () => {
    const sidecar = write('sidecar.yaml', `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: default, namespace: jobs }
spec: { egress: [{ hosts: ['shop/ratings.shop.svc.cluster.local', 'istio-system/*'] }] }`);
    const out = json('--from', 'jobs/batch', base, sidecar);
    expect(out.hosts.map((h: any) => h.fqdn)).toEqual(['ratings.shop.svc.cluster.local']);
    expect(out.hidden).toEqual([{ host: 'reviews.shop.svc.cluster.local', why: 'the caller\'s Sidecar jobs/default does not import it' }]);
    const privateService = write('private.yaml', SERVICES.replace('metadata: { name: reviews, namespace: shop }', "metadata: { name: reviews, namespace: shop, annotations: { networking.istio.io/exportTo: '.' } }"));
    expect(json('--from', 'jobs/batch', privateService).hidden).toEqual([{ host: 'reviews.shop.svc.cluster.local', why: 'Service shop/reviews is not exported to jobs' }]);
    expect(run('explain', '--from', 'jobs/batch', base, sidecar).stdout).toMatch(/^as istiod programs the proxy of jobs\/batch\nnot given to jobs\/batch: reviews\.shop\.svc\.cluster\.local \(the caller's Sidecar jobs\/default does not import it\)\n/);
  });

  test('a caller the input does not hold is one line naming the workloads it does, exit 2', () => {
    const { code, stderr } = run('explain', '--from', 'shop/wbe', base);
    expect(code).toBe(2);
    expect(stderr).toBe("cdk8s-istio explain: --from names 'shop/wbe', which no workload of the input is (workloads: jobs/batch, shop/web)\n");
  });
});
