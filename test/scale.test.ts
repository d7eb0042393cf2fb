import { ApiObject, App, Chart, JsonPatch, Testing } from 'cdk8s';
import { VirtualService } from '../imports/networking.istio.io';
import { IConstruct } from 'constructs';
import { Canary, HostTraffic, MeshService, Retries, ServiceSubsets } from '../lib';
import { buildMesh } from '../bench/mesh-app';

/** How many objects synth renders for a mesh of `n` services, validations included. */
function rendersFor(n: number): number {
  const app = Testing.app();
  buildMesh(app, n);
  const spy = jest.spyOn(ApiObject.prototype, 'toJson');
  try {
    app.synthYaml();
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

describe('synth-time checks at scale', () => {
  test('objects rendered grow linearly with the services (the checks share one index per pass)', () => {
    const small = rendersFor(50);
    const large = rendersFor(200);
    // 4x the services: a check that rendered the app once per construct would make this 16x
    expect(large / small).toBeGreaterThan(3.5);
    expect(large / small).toBeLessThan(4.5);
  });

  test('in a 300-service app, the checks that need other constructs still fire with their messages', () => {
    // GIVEN a large mesh
    const app = new App({ outdir: Testing.app().outdir });
    const chart: Chart = buildMesh(app, 300);
    // WHEN one subset selects no Deployment, one route names an undefined subset, and a hand-written
    // VirtualService routes a host the model already routes
    const lonely = new MeshService({ host: 'svc-7', namespace: 'mesh', selector: { app: 'svc-7' } });
    const extra = new Chart(app, 'extra');
    new ServiceSubsets(extra, 'svc-7-v3', { service: lonely, subsets: ['v3'] });
    new Canary(extra, 'svc-9-canary', { service: MeshService.fromHost('svc-9', { namespace: 'mesh', subsets: ['v1'] }), stable: 'v1', canary: 'v9', canaryWeight: 5 });
    new VirtualService(chart, 'by-hand', { metadata: { name: 'svc-42-by-hand', namespace: 'mesh' }, spec: { hosts: ['svc-42'] } });
    // THEN
    expect(() => app.synthYaml()).toThrow(/\[extra\/svc-7-v3\] subset 'v3' of host 'svc-7' selects no workload defined in the app \(subset labels: version=v3; workloads of the service: svc-7-v1, svc-7-v2\)/);
    expect(() => app.synthYaml()).toThrow("[extra/svc-9-canary] 'canary' names subset 'v9', which no DestinationRule defines for host 'svc-9' (defined: v1)");
    expect(() => app.synthYaml()).toThrow("host 'svc-42' is routed by two VirtualServices in chart 'mesh' (mesh/svc-42-canary and mesh/by-hand)");
  });

  test('the library names no first child after a host: ids per host would use up V8\'s shared hidden classes', () => {
    // constructs keeps a construct's children in a plain object, so its first child's id is the first
    // property name of an empty object; V8 shares hidden classes through about 1,500 distinct first names,
    // after which every object built key by key in the process (cdk8s's YAML writer's too) gets its own
    const app = Testing.app();
    buildMesh(app, 100);
    const firstIds = new Set(app.node.findAll()
      .map((c: IConstruct) => c.node.children[0]?.node.id)
      .filter((id): id is string => id !== undefined && !/^svc-\d+-(service|v1|v2|subsets|canary|retries)$/.test(id)));
    // the chart's own first child is the ZeroTrust block; the rest are fixed names
    expect([...firstIds].sort()).toEqual(['HostTraffic', 'Policy', 'Resource', 'mesh', 'zero-trust']);
  });

  test('a scope that is first to use two hosts holds both models, the second named after its host', () => {
    const chart = Testing.chart();
    const reviews = new MeshService({ host: 'reviews', namespace: 'bookinfo', subsets: ['v1'] });
    const ratings = new MeshService({ host: 'ratings', namespace: 'bookinfo', subsets: ['v1'] });
    expect(HostTraffic.of(chart, reviews).node.id).toBe('HostTraffic');
    expect(HostTraffic.of(chart, ratings).node.id).toBe('HostTraffic.bookinfo.ratings.mesh');
    // each block after the first finds its host's model wherever it lives
    new Retries(chart, 'ratings-retries', { service: ratings, attempts: 2 });
    expect(HostTraffic.of(chart, ratings).node.path).toBe(`${chart.node.path}/HostTraffic.bookinfo.ratings.mesh`);
  });

  test('an app of many charts renders each Deployment for the checks once per synth, not once per chart', () => {
    const deploymentRenders = (charts: number) => {
      const app = Testing.app();
      for (let c = 0; c < charts; c++) buildMesh(app, 20, `mesh-${c}`);
      const spy = jest.spyOn(ApiObject.prototype, 'toJson');
      try {
        app.synth();
        return spy.mock.contexts.filter(o => (o as ApiObject).kind === 'Deployment').length / (charts * 40);
      } finally {
        spy.mockRestore();
      }
    };
    // once for the checks (cdk8s's first validation pass) and once for the YAML; the passes cdk8s repeats
    // in each chart.toJson() reuse the first pass's tables
    expect(deploymentRenders(1)).toBe(2);
    expect(deploymentRenders(10)).toBe(2);
  });

  test('chart.toJson() after a change sees the change: each direct call checks the app afresh', () => {
    const app = Testing.app();
    const chart = buildMesh(app, 3);
    expect(() => Testing.synth(chart)).not.toThrow();
    const deployment = chart.node.findChild('svc-1-v2') as ApiObject;
    deployment.addJsonPatch(JsonPatch.replace('/spec/template/metadata/labels/version', 'v9'));
    expect(() => Testing.synth(chart)).toThrow(/subset 'v2' of host 'svc-1' selects no workload defined in the app/);
  });
});
