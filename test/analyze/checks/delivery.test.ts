import { analyzeYaml, codes } from '../helpers';

// Bad/good inputs written for this project from Flagger's and Argo Rollouts' Istio documentation: the
// checks of lib/analyze/checks/delivery.ts (who owns a host's routes when a controller delivers it).

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: { name: podinfo, namespace: test }
spec:
  selector: { matchLabels: { app: podinfo } }
  template:
    metadata: { labels: { app: podinfo } }
    spec: { containers: [{ name: podinfo, image: podinfo:6.0.0 }] }`;

const FLAGGER = `apiVersion: flagger.app/v1beta1
kind: Canary
metadata: { name: podinfo, namespace: test }
spec:
  provider: istio
  targetRef: { apiVersion: apps/v1, kind: Deployment, name: podinfo }
  service: { port: 9898 }
  analysis: { interval: 1m, threshold: 5, stepWeights: [10, 50] }`;

const VIRTUAL_SERVICE = (host: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: hand-written, namespace: test }
spec:
  hosts: [${host}]
  http: [{ route: [{ destination: { host: ${host} } }] }]`;

describe('hosts a Flagger Canary owns (CI270)', () => {
  test('a hand-written VirtualService or DestinationRule for the Canary\'s host, its -primary or its -canary', () => {
    const findings = analyzeYaml(DEPLOYMENT, FLAGGER, VIRTUAL_SERVICE('podinfo'));
    expect(codes(findings)).toEqual(['CI005', 'CI270']);
    expect(findings[1].message).toMatch(/^host podinfo.test.svc.cluster.local is owned by Flagger \(Canary test\/podinfo\), which writes its VirtualService/);
    expect(codes(analyzeYaml(DEPLOYMENT, FLAGGER, `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: primary, namespace: test }
spec: { host: podinfo-primary }`))).toEqual(['CI005', 'CI270']);
  });

  test('routes to other hosts, and the Services Flagger creates, are fine: a route to podinfo-canary resolves', () => {
    expect(codes(analyzeYaml(DEPLOYMENT, FLAGGER, VIRTUAL_SERVICE('frontend').replace('destination: { host: frontend }', 'destination: { host: podinfo-canary }'), `apiVersion: v1
kind: Service
metadata: { name: frontend, namespace: test }
spec: { selector: { app: frontend }, ports: [{ port: 80, name: http }] }`))).toEqual(['CI005']);
  });
});

const ROLLOUT = (istio: string) => `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: { name: podinfo, namespace: test }
spec:
  selector: { matchLabels: { app: podinfo } }
  workloadRef: { apiVersion: apps/v1, kind: Deployment, name: podinfo }
  strategy:
    canary:
      trafficRouting:
        istio: ${istio}
      steps: [{ setWeight: 10 }, { pause: {} }]`;

const SUBSET_SPLIT = '{ virtualService: { name: podinfo, routes: [primary] }, destinationRule: { name: podinfo, canarySubsetName: canary, stableSubsetName: stable } }';

const ROUTES = (http: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: podinfo, namespace: test }
spec:
  hosts: [podinfo]
  http: ${http}`;

const SPLIT = '{ name: primary, route: [{ destination: { host: podinfo, subset: stable }, weight: 100 }, { destination: { host: podinfo, subset: canary }, weight: 0 }] }';

const RULE = (subsets: string) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: podinfo, namespace: test }
spec: { host: podinfo, subsets: [${subsets}] }`;

const SERVICE = `apiVersion: v1
kind: Service
metadata: { name: podinfo, namespace: test }
spec: { selector: { app: podinfo }, ports: [{ port: 9898, name: http }] }`;

const STABLE_AND_CANARY = '{ name: stable, labels: { app: podinfo } }, { name: canary, labels: { app: podinfo } }';

describe('routes Argo Rollouts manages (CI271, CI272)', () => {
  const state = (...docs: string[]) => codes(analyzeYaml(DEPLOYMENT, SERVICE, ...docs)).filter(c => c !== 'CI005');

  test('the route, VirtualService and subsets the Rollout names exist, with one stable and one canary destination', () => {
    expect(state(ROLLOUT(SUBSET_SPLIT), ROUTES(`[${SPLIT}]`), RULE(STABLE_AND_CANARY))).toEqual([]);
  });

  test('a route name the VirtualService lacks, a missing VirtualService or subset', () => {
    const findings = analyzeYaml(DEPLOYMENT, SERVICE, ROLLOUT(SUBSET_SPLIT), ROUTES(`[${SPLIT.replace('name: primary', 'name: main')}]`), RULE(STABLE_AND_CANARY));
    expect(codes(findings).filter(c => c !== 'CI005')).toEqual(['CI271']);
    expect(findings.find(f => f.code === 'CI271')!.message).toBe("trafficRouting names route 'primary' of VirtualService test/podinfo, which has no route of that name (named: main)");
    expect(state(ROLLOUT(SUBSET_SPLIT), RULE(STABLE_AND_CANARY))).toEqual(['CI271']);
    expect(state(ROLLOUT(SUBSET_SPLIT), ROUTES(`[${SPLIT}]`), RULE('{ name: stable, labels: { app: podinfo } }'))).toEqual(['CI271', 'CI202']);
  });

  test('without routes, the VirtualService must have one route', () => {
    const unnamed = '{ virtualService: { name: podinfo }, destinationRule: { name: podinfo, canarySubsetName: canary, stableSubsetName: stable } }';
    expect(state(ROLLOUT(unnamed), ROUTES(`[${SPLIT}]`), RULE(STABLE_AND_CANARY))).toEqual([]);
    expect(state(ROLLOUT(unnamed), ROUTES(`[{ match: [{ uri: { prefix: /admin } }], route: [{ destination: { host: podinfo, subset: stable } }] }, ${SPLIT}]`), RULE(STABLE_AND_CANARY))).toEqual(['CI271']);
  });

  test('a managed route with one destination, or without the canary subset, is CI272', () => {
    const findings = analyzeYaml(DEPLOYMENT, SERVICE, ROLLOUT(SUBSET_SPLIT), ROUTES('[{ name: primary, route: [{ destination: { host: podinfo, subset: stable } }] }]'), RULE(STABLE_AND_CANARY));
    expect(codes(findings).filter(c => c !== 'CI005')).toEqual(['CI272']);
    expect(findings.find(f => f.code === 'CI272')!.message)
      .toBe("route 'primary' is managed by Argo Rollouts (Rollout test/podinfo), which sets the weights of two destinations, stable and canary; it has 1 (stable)");
    expect(state(ROLLOUT(SUBSET_SPLIT), ROUTES(`[${SPLIT.replace('subset: canary', 'subset: stable')}]`), RULE(STABLE_AND_CANARY))).toEqual(['CI272']);
  });
});
