import { App, Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { VirtualServiceSpecHttpRoute } from '../imports/networking.istio.io';
import * as fs from 'fs';
import * as path from 'path';
import { Canary, Delivery, TrafficApi } from '../lib';
import { Analyzer } from '../lib/analyze/analyzer';
import { Severity } from '../lib/analyze/finding';
import { parseManifests } from '../lib/analyze/read/manifest';
import {
  BookinfoStateChart, JwtEdgeChart, MeshTelemetryChart, ProgressiveDeliveryChart, ReleaseStepChart, TUTORIAL_STEPS, TutorialStep, addRelease,
} from '../tutorial';
import { DIST, SHARED } from './fixtures';
import { find, manifestsOf, synth } from './util';

/** The tutorial's app, built as main.ts builds it but without writing dist/. */
function tutorial(release = TutorialStep.BLUE) {
  const state = Testing.app();
  const bookinfoChart = new BookinfoStateChart(state, 'bookinfo', { release });
  const mesh = new MeshTelemetryChart(state, 'mesh');
  const steps = Testing.app();
  const charts = new Map(TUTORIAL_STEPS.map(step => [step, new ReleaseStepChart(steps, step, { bookinfo: bookinfoChart.bookinfo })]));
  return { state, bookinfoChart, mesh, steps, charts };
}

function stepManifests(step: TutorialStep): any[] {
  return synth(tutorial().charts.get(step)!);
}

/**
 * Who gets which version of reviews for a request with `headers`: the first route whose match applies,
 * as Envoy picks it, with its weights. `*` is every endpoint of the host (round-robin over the versions).
 */
function reviewsFor(vs: any, headers: Record<string, string> = {}): Record<string, number> {
  const applies = (match: any) => Object.entries(match.headers ?? {}).every(([name, m]: [string, any]) =>
    headers[name] !== undefined && (m.exact !== undefined ? headers[name] === m.exact : new RegExp(`^(?:${m.regex})$`).test(headers[name])));
  const route = vs.spec.http.find((h: any) => !h.match || h.match.some(applies));
  return Object.fromEntries(route.route.map((r: any) => [r.destination.subset ?? '*', r.weight ?? 100]));
}

const IPHONE = { 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)' };

describe('dist/: the deployed state', () => {
  test('no two objects share group, kind, namespace and name', () => {
    const { state } = tutorial();
    const objects = state.charts.flatMap(c => synth(c));
    const ids = objects.map(m => `${m.apiVersion.split('/')[0]}/${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    expect(objects.length).toBeGreaterThan(25);
  });

  test('Bookinfo hardened, circuit breaking on ratings, strict mTLS, the call graph, one release of reviews, telemetry', () => {
    const { bookinfoChart, mesh } = tutorial();
    const manifests = synth(bookinfoChart);
    const count = (kind: string) => manifests.filter(m => m.kind === kind).length;
    expect([count('Namespace'), count('Service'), count('Deployment'), count('DestinationRule'), count('Gateway'), count('VirtualService'), count('PeerAuthentication'), count('AuthorizationPolicy')])
      .toEqual([1, 4, 6, 4, 1, 3, 1, 5]);
    expect(manifests.filter(m => m.kind !== 'Namespace').every(m => m.metadata.namespace === 'bookinfo')).toBe(true);
    expect(find(manifests, 'PeerAuthentication', 'default').spec.mtls.mode).toBe('STRICT');
    expect(find(manifests, 'DestinationRule', 'ratings').spec.trafficPolicy).toEqual({
      outlierDetection: { consecutive5xxErrors: 5, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 100 },
      connectionPool: { http: { http1MaxPendingRequests: 100, maxRequestsPerConnection: 10 } },
    });
    expect(find(manifests, 'VirtualService', 'reviews').spec.http).toEqual([{
      route: [{ destination: { host: 'reviews', subset: 'v1' } }],
      retries: { attempts: 2, perTryTimeout: '1s', retryOn: 'gateway-error,connect-failure,refused-stream' },
    }]);
    expect(synth(mesh).map(m => [m.kind, m.metadata.namespace])).toEqual([['Telemetry', 'istio-system']]);
    expect(manifests).toMatchSnapshot();
  });

  test('the state analyzes as one mesh with no finding', () => {
    const { state } = tutorial();
    const { manifests } = parseManifests('state.yaml', state.synthYaml());
    expect(new Analyzer().analyze(manifests)).toEqual([]);
  });

  test('changing the release is one prop: 10% to 50% changes two weights and nothing else', () => {
    const ten = YAML.stringify(synth(tutorial(TutorialStep.CANARY_10).bookinfoChart)).split('\n');
    const fifty = YAML.stringify(synth(tutorial(TutorialStep.CANARY_50).bookinfoChart)).split('\n');
    const changed = ten.map((line, i) => [line, fifty[i]]).filter(([a, b]) => a !== b);
    expect(ten.length).toBe(fifty.length);
    expect(changed.map(([a, b]) => `${a.trim()} -> ${b.trim()}`)).toEqual(['weight: 90 -> weight: 50', 'weight: 10 -> weight: 50']);
  });

  test('fails synth naming both steps and the host if the state carries two releases', () => {
    const app = Testing.app();
    const chart = new BookinfoStateChart(app, 'bookinfo', { release: TutorialStep.BLUE });
    expect(() => addRelease(chart, chart.bookinfo, TutorialStep.CANARY_10))
      .toThrow(/host 'reviews' gets (two retry policies|two default routes).* from bookinfo\/01-blue\/.* and bookinfo\/04-canary-10\//);
  });
});

describe('dist/steps/: the release steps', () => {
  test('every step writes the same two objects, so applying the next replaces them', () => {
    for (const step of TUTORIAL_STEPS) {
      expect(stepManifests(step).map(m => `${m.kind}/${m.metadata.namespace}/${m.metadata.name}`)).toEqual(['VirtualService/bookinfo/reviews', 'VirtualService/bookinfo/ratings']);
    }
  });

  test.each([
    [TutorialStep.BLUE, { v1: 100 }, { v1: 100 }],
    [TutorialStep.GREEN, { v2: 100 }, { v2: 100 }],
    [TutorialStep.ROUND_ROBIN, { '*': 100 }, { '*': 100 }],
    [TutorialStep.CANARY_10, { v1: 90, v2: 10 }, { v1: 90, v2: 10 }],
    [TutorialStep.CANARY_50, { v1: 50, v2: 50 }, { v1: 50, v2: 50 }],
    [TutorialStep.CANARY_100, { v1: 0, v2: 100 }, { v1: 0, v2: 100 }],
    [TutorialStep.IPHONE, { v1: 100, v2: 0 }, { v2: 100 }],
    [TutorialStep.FAULT, { v2: 100 }, { v2: 100 }],
  ])('%s: a plain request gets %p, an iPhone %p', (step, plain, iphone) => {
    const manifests = stepManifests(step);
    const reviews = find(manifests, 'VirtualService', 'reviews');
    expect(reviewsFor(reviews)).toEqual(plain);
    expect(reviewsFor(reviews, IPHONE)).toEqual(iphone);
    expect(reviews.spec.http.every((h: any) => h.retries?.attempts === 2)).toBe(true);
    expect(manifests).toMatchSnapshot();
  });

  test('only the fault step delays ratings (2 s, every request) and times reviews out (0.5 s)', () => {
    for (const step of TUTORIAL_STEPS) {
      const manifests = stepManifests(step);
      const ratings = find(manifests, 'VirtualService', 'ratings').spec.http;
      const reviews = find(manifests, 'VirtualService', 'reviews').spec.http;
      expect(ratings).toHaveLength(1);
      expect(ratings[0].route).toEqual([{ destination: { host: 'ratings', subset: 'v1' } }]);
      if (step === TutorialStep.FAULT) {
        expect(ratings[0].fault).toEqual({ delay: { fixedDelay: '2s', percentage: { value: 100 } } });
        expect(reviews.map((h: any) => h.timeout)).toEqual(['0.5s']);
      } else {
        expect(ratings[0].fault).toBeUndefined();
        expect(reviews.every((h: any) => h.timeout === undefined)).toBe(true);
      }
    }
  });

  test('each step is valid on top of the deployed state (its objects replace the state\'s)', () => {
    const { state, steps } = tutorial();
    const base = parseManifests('state.yaml', state.synthYaml()).manifests;
    const overlays = steps.charts.map(c => manifestsOf(c));
    expect(overlays.every(o => o.length > 0)).toBe(true);
    expect(new Analyzer().analyzeLayers(base, overlays).filter(f => f.severity !== Severity.INFO)).toEqual([]);
  });

  test('consecutive canary steps differ by weights only', () => {
    const lines = (step: TutorialStep) => YAML.stringify(stepManifests(step)).split('\n');
    for (const [a, b] of [[TutorialStep.CANARY_10, TutorialStep.CANARY_50], [TutorialStep.CANARY_50, TutorialStep.CANARY_100]]) {
      const before = lines(a);
      const after = lines(b);
      expect(after.length).toBe(before.length);
      expect(before.filter((l, i) => l !== after[i]).every(l => /^\s+weight: \d+$/.test(l))).toBe(true);
    }
  });

  test('fails synth naming the step and the host if a step names a subset no DestinationRule defines', () => {
    const { bookinfoChart } = tutorial();
    const step = new Chart(new App({ outdir: Testing.app().outdir }), '05-canary-50');
    new Canary(step, 'reviews', { service: bookinfoChart.bookinfo.reviews, stable: 'v1', canary: 'v4', canaryWeight: 50 });
    expect(() => synth(step)).toThrow("[05-canary-50/reviews] 'canary' names subset 'v4', which no DestinationRule defines for host 'reviews' (defined: v1, v2, v3)");
  });
});

describe('dist/gateway-api/: the same tutorial with the Gateway API in ambient mode', () => {
  function ambient() {
    const app = Testing.app();
    const state = new BookinfoStateChart(app, 'bookinfo', { release: TutorialStep.BLUE, api: TrafficApi.GATEWAY_API });
    const steps = Testing.app();
    const charts = new Map(TUTORIAL_STEPS.map(step => [step, new ReleaseStepChart(steps, step, { bookinfo: state.bookinfo, api: TrafficApi.GATEWAY_API })]));
    return { app, state, charts };
  }

  test('namespace bookinfo-ambient enrolled in ambient with a waypoint; no VirtualService; ratings\' circuit breaker for it and its version Service; no name clashes with dist/', () => {
    const { state } = ambient();
    const manifests = synth(state);
    expect(find(manifests, 'Namespace', 'bookinfo-ambient').metadata.labels).toEqual({
      'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint', 'istio.io/ingress-use-waypoint': 'true',
    });
    expect(manifests.filter(m => m.kind === 'VirtualService')).toEqual([]);
    // requests routed to ratings-v1 are requests to that host: its DestinationRule carries the breaker too
    expect(manifests.filter(m => m.kind === 'DestinationRule').map(m => [m.spec.host, m.spec.trafficPolicy.outlierDetection.consecutive5xxErrors]))
      .toEqual([['ratings', 5], ['ratings-v1', 5]]);
    expect(find(manifests, 'Gateway', 'waypoint').spec.gatewayClassName).toBe('istio-waypoint');
    expect(find(manifests, 'Gateway', 'bookinfo-gateway').spec.gatewayClassName).toBe('istio');
    expect(manifests.filter(m => m.kind !== 'Namespace').every(m => m.metadata.namespace === 'bookinfo-ambient')).toBe(true);
    // the waypoint forwards every request under its own identity: the policy ztunnel enforces admits it alone
    expect(find(manifests, 'AuthorizationPolicy', 'allow-only-waypoint').spec.rules).toEqual([{ from: [{ source: { principals: ['cluster.local/ns/bookinfo-ambient/sa/waypoint'] } }] }]);
    // the ingress proxy runs in the namespace too, under its policies: clients outside the mesh are admitted at it
    expect(find(manifests, 'AuthorizationPolicy', 'allow-ingress-bookinfo-gateway').spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'bookinfo-gateway' }]);
    expect(manifests).toMatchSnapshot();
  });

  test.each([
    [TutorialStep.BLUE, [['reviews-v1', undefined]]],
    [TutorialStep.GREEN, [['reviews-v2', undefined]]],
    [TutorialStep.ROUND_ROBIN, [['reviews', undefined]]],
    [TutorialStep.CANARY_10, [['reviews-v1', 90], ['reviews-v2', 10]]],
    [TutorialStep.CANARY_50, [['reviews-v1', 50], ['reviews-v2', 50]]],
    [TutorialStep.CANARY_100, [['reviews-v1', 0], ['reviews-v2', 100]]],
    [TutorialStep.FAULT, [['reviews-v2', undefined]]],
  ])('%s sends plain requests to %p, as Istio\'s gateway-api route samples do', (step, backends) => {
    const manifests = synth(ambient().charts.get(step)!);
    const rules = find(manifests, 'HTTPRoute', 'reviews').spec.rules;
    expect(rules[rules.length - 1].backendRefs.map((b: any) => [b.name, b.weight])).toEqual(backends);
    expect(rules.every((r: any) => r.retry?.attempts === 2)).toBe(true);
  });

  test('the iPhone step routes the user agent first; the fault step keeps the 0.5 s timeout but has no delay (HTTPRoute has no fault)', () => {
    const iphone = find(synth(ambient().charts.get(TutorialStep.IPHONE)!), 'HTTPRoute', 'reviews').spec.rules[0];
    expect([iphone.matches, iphone.backendRefs]).toEqual([[{ headers: [{ type: 'RegularExpression', name: 'user-agent', value: '.*iPhone.*' }] }], [{ name: 'reviews-v2', port: 9080 }]]);
    const fault = synth(ambient().charts.get(TutorialStep.FAULT)!);
    // both tries fit the timeout (2 × 250ms)
    expect(find(fault, 'HTTPRoute', 'reviews').spec.rules[0].timeouts).toEqual({ request: '500ms', backendRequest: '250ms' });
    expect(JSON.stringify(find(fault, 'HTTPRoute', 'ratings'))).not.toMatch(/fault|delay/);
  });

  test('each step is valid on top of dist/ and dist/gateway-api/', () => {
    const { app, charts } = ambient();
    const sidecars = Testing.app();
    new BookinfoStateChart(sidecars, 'bookinfo', { release: TutorialStep.BLUE });
    const base = [...parseManifests('dist.yaml', sidecars.synthYaml()).manifests, ...parseManifests('gateway-api.yaml', app.synthYaml()).manifests];
    const overlays = [...charts.values()].map(c => manifestsOf(c));
    expect(overlays.every(o => o.length > 0)).toBe(true);
    expect(new Analyzer().analyzeLayers(base, overlays).filter(f => f.severity !== Severity.INFO)).toEqual([]);
  });
});

describe('dist/flagger/ and dist/argo-rollouts/: the canary of reviews handed to a controller', () => {
  const CRDS = [path.join(SHARED, 'flagger-1.44.0', 'crd.yaml'), path.join(SHARED, 'argo-rollouts-1.9.1', 'rollout-crd.yaml')]
    .flatMap(file => parseManifests(file, fs.readFileSync(file, 'utf8')).manifests);

  function controlled(folder: 'flagger' | 'argo-rollouts') {
    const delivery = folder === 'flagger' ? Delivery.flagger() : Delivery.argoRollouts();
    return synth(new ProgressiveDeliveryChart(Testing.app(), 'bookinfo', { delivery, namespace: `bookinfo-${folder}` }));
  }

  test('flagger: a Canary of the one reviews Deployment, 10 → 50 → promotion, with the retries of reviews; no route or rule for reviews', () => {
    const manifests = controlled('flagger');
    const canary = find(manifests, 'Canary', 'reviews');
    expect(canary.spec.targetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'reviews' });
    expect(canary.spec.service).toEqual({
      name: 'reviews', port: 9080, retries: { attempts: 2, perTryTimeout: '1s', retryOn: 'gateway-error,connect-failure,refused-stream' },
    });
    expect(canary.spec.analysis.stepWeights).toEqual([10, 50]);
    expect(manifests.filter(m => m.kind === 'Deployment' && /reviews/.test(m.metadata.name)).map(m => m.metadata.name)).toEqual(['reviews']);
    const routed = (m: any) => ['VirtualService', 'DestinationRule'].includes(m.kind) && /reviews/.test(m.metadata.name);
    expect(manifests.filter(routed)).toEqual([]);
    // the other hosts keep their rules; the primary pods Flagger runs are admitted like the workload's
    expect(find(manifests, 'DestinationRule', 'ratings').spec.trafficPolicy.outlierDetection.consecutive5xxErrors).toBe(5);
    expect(find(manifests, 'AuthorizationPolicy', 'allow-reviews-primary').spec.selector).toEqual({ matchLabels: { app: 'reviews-primary' } });
  });

  test('argo-rollouts: a Rollout of the reviews Deployment stepping the weights of route primary, which the VirtualService holds at 100/0', () => {
    const manifests = controlled('argo-rollouts');
    const rollout = find(manifests, 'Rollout', 'reviews');
    expect(rollout.spec.workloadRef.name).toBe('reviews');
    expect(rollout.spec.strategy.canary.steps.filter((s: any) => s.setWeight).map((s: any) => s.setWeight)).toEqual([10, 50]);
    expect(rollout.spec.strategy.canary.trafficRouting.istio.destinationRule).toEqual({ name: 'reviews', canarySubsetName: 'canary', stableSubsetName: 'stable' });
    const route = find(manifests, 'VirtualService', 'reviews').spec.http;
    expect(route.map((r: any) => [r.name, r.route.map((d: any) => [d.destination.subset, d.weight])])).toEqual([['primary', [['stable', 100], ['canary', 0]]]]);
    expect(route[0].retries.attempts).toBe(2);
  });

  test.each(['flagger', 'argo-rollouts'] as const)('%s: valid against the controller\'s pinned CRD, with no finding, alone and beside dist/', folder => {
    const manifests = parseManifests(`${folder}.yaml`, controlled(folder).map(m => YAML.stringify(m)).join('---\n')).manifests;
    expect(new Analyzer(CRDS).analyze(manifests)).toEqual([]);
    // without the CRD the controller's object is not checked, and says so
    expect(new Analyzer().analyze(manifests).map(f => f.code)).toEqual(['CI005']);
    const committed = fs.readdirSync(DIST).filter(f => f.endsWith('.yaml')).flatMap(f => parseManifests(f, fs.readFileSync(path.join(DIST, f), 'utf8')).manifests);
    expect(new Analyzer(CRDS).analyzeLayers(committed, [manifests]).filter(f => f.severity !== Severity.INFO)).toEqual([]);
  });

  test.each(['flagger', 'argo-rollouts'] as const)('%s: the schema check is real: a field the CRD lacks is CI101', folder => {
    const text = controlled(folder).map(m => YAML.stringify(m)).join('---\n').replace(/workloadRef:|targetRef:/, 'workloadReference:');
    expect(new Analyzer(CRDS).analyze(parseManifests('bad.yaml', text).manifests).map(f => f.code)).toContain('CI101');
  });
});

describe('dist/optional/', () => {
  test('jwt-edge: RequestAuthentication and require-JWT policy on the ingress gateway', () => {
    const manifests = synth(new JwtEdgeChart(Testing.app(), 'jwt-edge'));
    expect(manifests.map(m => [m.kind, m.metadata.namespace])).toEqual([['RequestAuthentication', 'istio-system'], ['AuthorizationPolicy', 'istio-system']]);
    expect(manifests[0].spec.jwtRules[0].jwksUri).toMatch(/^https:\/\//);
  });
});

describe('the tutorial\'s mistakes', () => {
  test('the whole app synthesizes deterministically', () => {
    expect(tutorial().state.synthYaml()).toEqual(tutorial().state.synthYaml());
  });

  test("the tutorial's weight under destination does not type-check", () => {
    const route: VirtualServiceSpecHttpRoute = {
      // @ts-expect-error weight belongs beside destination, not inside it
      destination: { host: 'reviews', subset: 'v2', weight: 10 },
    };
    expect(route.destination.host).toBe('reviews');
  });
});
