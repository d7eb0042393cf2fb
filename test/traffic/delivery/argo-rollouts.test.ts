import { Duration } from 'cdk8s';
import { BlueGreen, Canary, Delivery, HttpMatch, Retries, StringMatch } from '../../../lib';
import { bookinfoApp, find, synth } from '../../util';
import { analyzeWithCrds, oneWorkloadBookinfo } from './fixtures';

describe('Canary handed to Argo Rollouts', () => {
  test('a Rollout references the Deployment and steps the weights of the named route, which the app writes at 100/0 over stable and canary subsets', () => {
    // GIVEN
    const { chart, bookinfo } = oneWorkloadBookinfo();
    // WHEN
    const canary = new Canary(chart, 'reviews', { service: bookinfo.reviews, delivery: Delivery.argoRollouts({ steps: [10, 50, 100] }) });
    // THEN
    const manifests = synth(chart);
    const rollout = find(manifests, 'Rollout', 'reviews');
    expect(rollout.apiVersion).toBe('argoproj.io/v1alpha1');
    expect(rollout.metadata.namespace).toBe('bookinfo');
    expect(rollout.spec.workloadRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'reviews', scaleDown: 'onsuccess' });
    expect(rollout.spec.selector).toEqual({ matchLabels: { app: 'reviews' } });
    expect(rollout.spec.replicas).toBe(1);
    expect(rollout.spec.strategy.canary.trafficRouting).toEqual({
      istio: {
        virtualService: { name: 'reviews', routes: ['primary'] },
        destinationRule: { name: 'reviews', canarySubsetName: 'canary', stableSubsetName: 'stable' },
      },
    });
    expect(rollout.spec.strategy.canary.steps).toEqual([
      { setWeight: 10 }, { pause: { duration: '1m' } }, { setWeight: 50 }, { pause: { duration: '1m' } },
    ]);
    const vs = find(manifests, 'VirtualService', 'reviews');
    expect(vs.spec.http).toEqual([{
      name: 'primary',
      route: [{ destination: { host: 'reviews', subset: 'stable' }, weight: 100 }, { destination: { host: 'reviews', subset: 'canary' }, weight: 0 }],
    }]);
    expect(find(manifests, 'DestinationRule', 'reviews').spec.subsets).toEqual([
      { name: 'stable', labels: { app: 'reviews' } }, { name: 'canary', labels: { app: 'reviews' } },
    ]);
    expect(canary.rollout?.kind).toBe('Rollout');
    expect(canary.virtualService?.name).toBe('reviews');
    expect(rollout).toMatchSnapshot();
  });

  test('a header canary is a managed route the Rollout sets from its first step; other blocks shape the named route', () => {
    const { chart, bookinfo } = oneWorkloadBookinfo();
    new Canary(chart, 'reviews', {
      service: bookinfo.reviews, canaryMatch: [HttpMatch.header('user-agent', StringMatch.regex('.*iPhone.*'))],
      delivery: Delivery.argoRollouts({ routeName: 'reviews-split', interval: Duration.seconds(90) }),
    });
    new Retries(chart, 'retries', { service: bookinfo.reviews, attempts: 2 });
    const manifests = synth(chart);
    const canary = find(manifests, 'Rollout', 'reviews').spec.strategy.canary;
    expect(canary.trafficRouting.managedRoutes).toEqual([{ name: 'canary-header' }]);
    expect(canary.trafficRouting.istio.virtualService.routes).toEqual(['reviews-split']);
    expect(canary.steps[0]).toEqual({ setHeaderRoute: { name: 'canary-header', match: [{ headerName: 'user-agent', headerValue: { regex: '.*iPhone.*' } }] } });
    expect(canary.steps[2]).toEqual({ pause: { duration: '90s' } });
    // Argo Rollouts adds the header route itself; the app writes only the named route
    const http = find(manifests, 'VirtualService', 'reviews').spec.http;
    expect(http.map((r: any) => r.name)).toEqual(['reviews-split']);
    expect(http[0].retries).toEqual({ attempts: 2 });
    expect(analyzeWithCrds(chart)).toEqual([]);
  });

  test('mirroring copies requests to the canary for an interval before the first weight', () => {
    const { chart, bookinfo } = oneWorkloadBookinfo();
    new Canary(chart, 'reviews', { service: bookinfo.reviews, delivery: Delivery.argoRollouts({ mirrorPercentage: 20, steps: [50] }) });
    const canary = find(synth(chart), 'Rollout', 'reviews').spec.strategy.canary;
    expect(canary.trafficRouting.managedRoutes).toEqual([{ name: 'canary-mirror' }]);
    expect(canary.steps).toEqual([
      { setMirrorRoute: { name: 'canary-mirror', percentage: 20, match: [{ path: { prefix: '/' } }] } }, { pause: { duration: '1m' } },
      { setWeight: 50 }, { pause: { duration: '1m' } },
    ]);
    expect(analyzeWithCrds(chart)).toEqual([]);
  });

  test('throws if the header canary is not one match of headers', () => {
    const { chart, bookinfo } = oneWorkloadBookinfo();
    expect(() => new Canary(chart, 'reviews', { service: bookinfo.reviews, canaryMatch: [HttpMatch.uriPrefix('/beta')], delivery: Delivery.argoRollouts() }))
      .toThrow("'canaryMatch' must be one HttpMatch of headers with Argo Rollouts, whose setHeaderRoute matches headers only, all at once; got (uri prefix '/beta')");
  });

  test('throws if the app has several Deployments for the host and none is named', () => {
    const { bookinfo, scenario } = bookinfoApp();
    expect(() => new Canary(scenario, 'reviews', { service: bookinfo.reviews, delivery: Delivery.argoRollouts() }))
      .toThrow("host 'reviews' selects 3 Deployments (reviews-v1, reviews-v2, reviews-v3); a controller promotes one workload, whose pod template changes from release to release: pass 'workload'");
  });
});

describe('BlueGreen handed to Argo Rollouts', () => {
  test('the Rollout switches the host\'s Service and a preview Service; the preview match routes to the preview', () => {
    const { chart, bookinfo } = oneWorkloadBookinfo();
    const blueGreen = new BlueGreen(chart, 'reviews', {
      service: bookinfo.reviews, delivery: Delivery.argoRollouts({ interval: Duration.minutes(5) }),
      previewMatch: HttpMatch.header('x-preview', StringMatch.exact('true')),
    });
    const manifests = synth(chart);
    expect(find(manifests, 'Rollout', 'reviews').spec.strategy).toEqual({
      blueGreen: { activeService: 'reviews', previewService: 'reviews-preview', autoPromotionSeconds: 300 },
    });
    const preview = find(manifests, 'Service', 'reviews-preview');
    expect(preview.spec).toEqual({ ports: [{ port: 9080, name: 'http' }], selector: { app: 'reviews' } });
    expect(find(manifests, 'VirtualService', 'reviews').spec.http).toEqual([
      { match: [{ headers: { 'x-preview': { exact: 'true' } } }], route: [{ destination: { host: 'reviews-preview' } }] },
      { route: [{ destination: { host: 'reviews' } }] },
    ]);
    expect(blueGreen.previewService?.name).toBe('reviews-preview');
    expect(analyzeWithCrds(chart)).toEqual([]);
  });

  test('throws if active or preview subsets are named with a controller', () => {
    const { chart, bookinfo } = oneWorkloadBookinfo();
    expect(() => new BlueGreen(chart, 'reviews', { service: bookinfo.reviews, active: 'v1', delivery: Delivery.argoRollouts() }))
      .toThrow("'active' is 'v1', but argo-rollouts switches between the workload's releases itself: leave out 'active' and 'preview'");
  });

  test('throws if active is missing with static delivery', () => {
    const { chart, bookinfo } = oneWorkloadBookinfo();
    expect(() => new BlueGreen(chart, 'reviews', { service: bookinfo.reviews }))
      .toThrow("'active' is required with static delivery: name the subset that receives all traffic");
  });
});
