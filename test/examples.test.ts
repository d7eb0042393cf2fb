import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { Analyzer } from '../lib/analyze/analyzer';
import { loadFiles } from '../lib/analyze/read/files';
import { ROOT, SHARED } from './fixtures';

// The examples that reproduce configurations written by others (../shared/real-world/), run as a user runs
// them, and compared with what they reproduce: the same hosts, routes, ports and policies, and where ours
// deliberately differs, why.

/** Runs examples/<name>.ts with its output in a fresh directory; the documents of every file it wrote, by file. */
function run(name: string): { dir: string; objects: any[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cdk8s-istio-example-${name}-`));
  const outdir = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = dir;
  try {
    // an example runs when it is loaded, as `node examples/<name>.js` runs it
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    jest.isolateModules(() => require(path.join(ROOT, 'examples', `${name}.ts`)));
  } finally {
    process.env.CDK8S_OUTDIR = outdir;
  }
  const files = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap(e => e.isDirectory() ? files(path.join(d, e.name)) : [path.join(d, e.name)]);
  const objects = files(dir).filter(f => f.endsWith('.yaml')).flatMap(f => YAML.parseAllDocuments(fs.readFileSync(f, 'utf8')).map(d => d.toJS()));
  return { dir, objects };
}

function upstream(folder: string, prefix = ''): any[] {
  const dir = path.join(SHARED, 'real-world', folder);
  return fs.readdirSync(dir).filter(f => f.startsWith(prefix)).sort().flatMap(f => YAML.parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map(d => d.toJS()).filter(Boolean));
}

const named = (objects: any[], kind: string, name: string) => objects.find(o => o.kind === kind && o.metadata.name === name);

function clean(dir: string): string[] {
  const { manifests, nested } = loadFiles([dir]);
  return new Analyzer().analyzeTree(manifests, nested).filter(f => f.severity !== 'info').map(f => `${f.code} ${f.message}`);
}

describe('examples/online-boutique.ts reproduces Online Boutique\'s istio-manifests/', () => {
  const theirs = upstream('online-boutique-istio-manifests');
  const { dir, objects } = run('online-boutique');

  test('the same egress: Google\'s APIs (a wildcard) and the GCE metadata server by address, on 80 and 443', () => {
    for (const name of ['allow-egress-googleapis', 'allow-egress-google-metadata']) {
      const ours = named(objects, 'ServiceEntry', name).spec;
      // Istio's defaults written out: a ServiceEntry without location is MESH_EXTERNAL, without resolution NONE
      expect(ours).toEqual({ ...named(theirs, 'ServiceEntry', name).spec, location: 'MESH_EXTERNAL', resolution: 'NONE' });
    }
  });

  test('the same ingress: every request on port 80 at Istio\'s ingress gateway to the frontend\'s port 80', () => {
    expect(named(objects, 'Gateway', 'frontend-gateway').spec).toEqual(named(theirs, 'Gateway', 'frontend-gateway').spec);
    expect(named(objects, 'VirtualService', 'frontend-ingress').spec).toEqual(named(theirs, 'VirtualService', 'frontend-ingress').spec);
  });

  test('the same in-mesh route of the frontend, by its short name and without the port its Service\'s only port makes implicit', () => {
    const ours = named(objects, 'VirtualService', 'frontend').spec;
    const route = named(theirs, 'VirtualService', 'frontend').spec;
    expect(route.hosts).toEqual(['frontend.default.svc.cluster.local']);
    expect(ours).toEqual({ hosts: ['frontend'], http: [{ route: [{ destination: { host: 'frontend' } }] }] });
    expect(route.http[0].route[0].destination).toEqual({ host: 'frontend', port: { number: 80 } });
  });

  test('analyzer-clean', () => {
    expect(clean(dir)).toEqual([]);
  });
});

describe('examples/rate-limit.ts reproduces Istio\'s local rate limit sample', () => {
  test('the same buckets for the same workload: 100 a minute, 10 a minute on /productpage', () => {
    const [theirs] = upstream('istio-samples-ratelimit').filter(o => o.metadata.name === 'filter-local-ratelimit-svc');
    const ours = run('rate-limit').objects.find(o => o.kind === 'EnvoyFilter');
    const config = (f: any) => f.spec.configPatches.find((p: any) => p.applyTo === 'HTTP_ROUTE').patch.value.typed_per_filter_config['envoy.filters.http.local_ratelimit'];
    expect(ours.spec.workloadSelector).toEqual(theirs.spec.workloadSelector);
    expect(config(ours).token_bucket).toEqual(config(theirs).token_bucket);
    expect(config(ours).descriptors.map((d: any) => d.token_bucket)).toEqual(config(theirs).descriptors.map((d: any) => d.token_bucket));
    // deliberately different: every inbound vhost where the sample names port 8000 (CI274), a case-sensitive path
    // match as Istio's uri matches, INSERT_FIRST where the sample inserts relative to nothing without priority (CI235),
    // the EnvoyFilter in the app's namespace instead of istio-system
    expect(ours.metadata.namespace).toBe('bookinfo');
  });
});

describe('examples/locality-failover.ts reproduces istio.io\'s locality failover task', () => {
  test('the same DestinationRule traffic policy for helloworld', () => {
    const [theirs] = upstream('istio.io-locality-failover');
    const ours = run('locality-failover').objects.find(o => o.kind === 'DestinationRule');
    // durations are written in seconds: the task's 1m is 60s
    expect(ours.spec.trafficPolicy).toEqual({ ...theirs.spec.trafficPolicy, outlierDetection: { ...theirs.spec.trafficPolicy.outlierDetection, baseEjectionTime: '60s' } });
  });
});

describe('examples/egress-gateway.ts reproduces istio.io\'s egress gateway tasks', () => {
  const { objects } = run('egress-gateway');
  test('HTTP through Istio\'s egress gateway: the task\'s two-hop route (the Gateway named after the host)', () => {
    const theirs = upstream('istio.io-egress-gateway').find(o => o.kind === 'VirtualService');
    const ours = objects.find(o => o.kind === 'VirtualService');
    expect(ours.spec.http.map((r: any) => [r.match, r.route.map((d: any) => d.destination)]))
      .toEqual(theirs.spec.http.map((r: any) => [JSON.parse(JSON.stringify(r.match).replace(/istio-egressgateway"/g, 'cnn-egressgateway"')), r.route.map((d: any) => d.destination)]));
  });

  test('TLS originated at the Gateway API gateway: the task\'s HTTPRoutes, to port 443', () => {
    const theirs = upstream('istio.io-egress-tls-origination', 'perform_tls_origination_with_an_egress_gateway').filter(o => o.kind === 'HTTPRoute');
    expect(objects.filter(o => o.kind === 'HTTPRoute').map(o => o.spec)).toEqual(theirs.map(o => o.spec));
  });
});

describe('the other reproductions are analyzer-clean as run, but for what their upstream gets too', () => {
  test.each([
    ['rate-limit', ['CI105']],
    ['egress-gateway', ['CI229']],
    ['locality-failover', []],
    ['sidecar-scope', []],
  ])('examples/%s.ts', (name, expected) => {
    const { dir, objects } = run(name);
    expect(objects.length).toBeGreaterThan(0);
    // CI105: istiod warns on every EnvoyFilter; CI229: the task's TLS origination verifies with the system CAs too
    expect(clean(dir).map(f => f.split(' ')[0])).toEqual(expected);
  });
});
