import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import {
  BlueGreen, Canary, CircuitBreaker, IngressGateway, MeshService, Delivery, FaultInjection, HttpMatch, RequestTimeout, Retries, RetryOn, ServiceRoute, ServiceSubsets, StringMatch,
  TrafficApi, useTrafficApi, ZeroTrust,
} from '../../../lib';
import { find, synth } from '../../util';
import { analyzeWithCrds, oneWorkloadBookinfo } from './fixtures';

describe('Canary handed to Flagger', () => {
  test('a flagger.app/v1beta1 Canary targets the Deployment, with the step weights and the built-in checks, and nothing routes the host', () => {
    // GIVEN
    const { chart, bookinfo } = oneWorkloadBookinfo();
    // WHEN
    const canary = new Canary(chart, 'reviews', { service: bookinfo.reviews, delivery: Delivery.flagger({ steps: [10, 50, 100] }) });
    // THEN
    const manifests = synth(chart);
    const flagger = find(manifests, 'Canary', 'reviews');
    expect(flagger.apiVersion).toBe('flagger.app/v1beta1');
    expect(flagger.metadata.namespace).toBe('bookinfo');
    expect(flagger.spec.provider).toBe('istio');
    expect(flagger.spec.targetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'reviews' });
    expect(flagger.spec.service).toEqual({ name: 'reviews', port: 9080 });
    // the last step, 100, is the promotion Flagger makes after the last weight
    expect(flagger.spec.analysis).toEqual({
      interval: '1m', threshold: 5, stepWeights: [10, 50],
      metrics: [
        { name: 'request-success-rate', thresholdRange: { min: 99 }, interval: '1m' },
        { name: 'request-duration', thresholdRange: { max: 500 }, interval: '1m' },
      ],
    });
    expect(manifests.filter(m => ['VirtualService', 'DestinationRule', 'HTTPRoute'].includes(m.kind) && /reviews/.test(JSON.stringify(m.spec)))).toEqual([]);
    expect(canary.virtualService).toBeUndefined();
    expect(canary.flaggerCanary?.kind).toBe('Canary');
    expect(flagger).toMatchSnapshot();
  });

  test('timeouts, retries and DestinationRule policy of the host go into the Canary\'s service, whatever block sets them', () => {
    const { chart, bookinfo } = oneWorkloadBookinfo();
    new Canary(chart, 'reviews', {
      service: bookinfo.reviews,
      delivery: Delivery.flagger({ interval: Duration.seconds(30), threshold: 3, minSuccessRate: 99.5, maxRequestDuration: Duration.seconds(1) }),
    });
    new Retries(chart, 'retries', { service: bookinfo.reviews, attempts: 3, perTryTimeout: Duration.seconds(2), retryOn: [RetryOn.GATEWAY_ERROR] });
    new RequestTimeout(chart, 'timeout', { service: bookinfo.reviews, timeout: Duration.seconds(10) });
    new CircuitBreaker(chart, 'breaker', { service: bookinfo.reviews, outlierDetection: { consecutive5xxErrors: 5 } });
    const flagger = find(synth(chart), 'Canary', 'reviews');
    expect(flagger.spec.service).toEqual({
      name: 'reviews', port: 9080, timeout: '10s',
      retries: { attempts: 3, perTryTimeout: '2s', retryOn: 'gateway-error' },
      trafficPolicy: { outlierDetection: { consecutive5xxErrors: 5 } },
    });
    expect(flagger.spec.analysis.interval).toBe('30s');
    expect(flagger.spec.analysis.threshold).toBe(3);
    expect(flagger.spec.analysis.metrics.map((m: any) => m.thresholdRange)).toEqual([{ min: 99.5 }, { max: 1000 }]);
    expect(analyzeWithCrds(chart)).toEqual([]);
  });

  test('a blue/green release runs iterations, and its preview match is Flagger\'s A/B testing', () => {
    const { chart, bookinfo } = oneWorkloadBookinfo();
    new BlueGreen(chart, 'reviews', {
      service: bookinfo.reviews, delivery: Delivery.flagger({ iterations: 4 }),
      previewMatch: HttpMatch.header('x-canary', StringMatch.exact('insider')),
    });
    const analysis = find(synth(chart), 'Canary', 'reviews').spec.analysis;
    expect(analysis.iterations).toBe(4);
    expect(analysis.stepWeights).toBeUndefined();
    expect(analysis.match).toEqual([{ headers: { 'x-canary': { exact: 'insider' } } }]);
    expect(analyzeWithCrds(chart)).toEqual([]);
  });

  test('mirroring is Flagger\'s analysis.mirror with its weight', () => {
    const { chart, bookinfo } = oneWorkloadBookinfo();
    new Canary(chart, 'reviews', { service: bookinfo.reviews, delivery: Delivery.flagger({ mirrorPercentage: 50 }) });
    const analysis = find(synth(chart), 'Canary', 'reviews').spec.analysis;
    expect([analysis.mirror, analysis.mirrorWeight]).toEqual([true, 50]);
    expect(analyzeWithCrds(chart)).toEqual([]);
  });

  test('gateways and hosts put the gateway\'s route in Flagger\'s VirtualService, beside the mesh', () => {
    const { chart, bookinfo } = oneWorkloadBookinfo();
    new Canary(chart, 'reviews', { service: bookinfo.reviews, delivery: Delivery.flagger({ gateways: ['istio-system/public'], hosts: ['reviews.example.com'] }) });
    const service = find(synth(chart), 'Canary', 'reviews').spec.service;
    expect([service.gateways, service.hosts]).toEqual([['istio-system/public', 'mesh'], ['reviews.example.com']]);
    expect(analyzeWithCrds(chart)).toEqual([]);
  });

  test('fails if an IngressGateway of the app routes the host itself: its requests would never reach the release', () => {
    const { chart, bookinfo } = oneWorkloadBookinfo();
    new Canary(chart, 'reviews', { service: bookinfo.reviews, delivery: Delivery.flagger() });
    new IngressGateway(chart, 'ingress', { name: 'reviews-gateway', namespace: 'bookinfo', service: bookinfo.reviews, matches: [HttpMatch.uriPrefix('/reviews')] });
    expect(() => synth(chart)).toThrow(/release\/ingress routes requests to host 'reviews', which Flagger delivers \(release\/reviews\): they would reach its primary pods alone, never the release; let Flagger route the gateway's hosts with Delivery.flagger\(\{ gateways: \['bookinfo\/reviews-gateway'\]/);
  });

  /** A cdk8s-plus Deployment of checkout and its Service (port 80 to container port 8080), selecting pods by `selectBy`. */
  function checkout(selectBy: 'app' | 'cdk8s-plus') {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const deployment = new kplus.Deployment(chart, 'checkout-deployment', {
      metadata: { name: 'checkout' }, select: selectBy === 'cdk8s-plus', podMetadata: { labels: { app: 'checkout' } },
      containers: [{ image: 'registry.example.com/checkout:1.0', portNumber: 8080 }],
    });
    if (selectBy === 'app') {
      deployment.select(kplus.LabelSelector.of({ labels: { app: 'checkout' } }));
    }
    const service = new kplus.Service(chart, 'checkout-service', { metadata: { name: 'checkout' }, ports: [{ name: 'http-web', port: 80, targetPort: 8080 }] });
    service.selectLabel('app', 'checkout');
    return { chart, service: MeshService.fromService(service) };
  }

  test('the target port and port name come from the app\'s Service when the handle was made from it', () => {
    const { chart, service } = checkout('app');
    new Canary(chart, 'release', { service, delivery: Delivery.flagger() });
    expect(find(synth(chart), 'Canary', 'checkout').spec.service).toEqual({ name: 'checkout', port: 80, targetPort: 8080, portName: 'http-web' });
  });

  test('throws if the Deployment selects its pods by a label Flagger does not know (cdk8s-plus\'s own)', () => {
    const { chart, service } = checkout('cdk8s-plus');
    expect(() => new Canary(chart, 'release', { service, delivery: Delivery.flagger() }))
      .toThrow(/Deployment checkout selects its pods by cdk8s.io\/metadata.addr=.*; Flagger finds a workload's pods by one of app, name, app.kubernetes.io\/name/);
  });

  test('ZeroTrust admits the callers of the host at the primary pods too (Flagger suffixes their app label)', () => {
    const { chart, bookinfo } = oneWorkloadBookinfo();
    new Canary(chart, 'reviews', { service: bookinfo.reviews, delivery: Delivery.flagger() });
    new ZeroTrust(chart, 'zt', { namespace: 'bookinfo', edges: [{ from: bookinfo.productpage, to: bookinfo.reviews }] });
    const manifests = synth(chart);
    const primary = find(manifests, 'AuthorizationPolicy', 'allow-reviews-primary');
    expect(primary.spec.selector).toEqual({ matchLabels: { app: 'reviews-primary' } });
    expect(primary.spec.rules).toEqual(find(manifests, 'AuthorizationPolicy', 'allow-reviews').spec.rules);
  });

  test('fails if ZeroTrust was created before the Canary that hands its callee to Flagger', () => {
    const { chart, bookinfo } = oneWorkloadBookinfo();
    new ZeroTrust(chart, 'zt', { namespace: 'bookinfo', edges: [{ from: bookinfo.productpage, to: bookinfo.reviews }] });
    new Canary(chart, 'reviews', { service: bookinfo.reviews, delivery: Delivery.flagger() });
    expect(() => synth(chart)).toThrow(/host 'reviews' is delivered by Flagger \(release\/reviews\), whose primary pods carry app=reviews-primary, which policy allow-reviews does not select/);
  });

  test.each([
    ['a route', (c: any, b: any) => new ServiceRoute(c, 'route', { service: b.reviews, routes: [{ destinations: [{ subset: 'v1' }] }] }), /release\/route adds a default route: Flagger writes every route of the host/],
    ['a fault', (c: any, b: any) => new FaultInjection(c, 'fault', { service: b.reviews, abortHttpStatus: 503 }), /release\/fault injects a fault: Flagger's Canary has no fault field/],
    ['subsets', (c: any, b: any) => new ServiceSubsets(c, 'subsets', { service: b.reviews, subsets: ['v1'] }), /release\/subsets defines subsets: Flagger routes to the -primary and -canary Services/],
  ])('fails if %s is added to a host Flagger owns, naming the block and the way out', (_, add, message) => {
    const { chart, bookinfo } = oneWorkloadBookinfo();
    new Canary(chart, 'reviews', { service: bookinfo.reviews, delivery: Delivery.flagger() });
    expect(() => add(chart, bookinfo)).toThrow(message);
  });

  test('fails if a block contributed to the host before it was handed to Flagger', () => {
    const { chart, bookinfo } = oneWorkloadBookinfo();
    new Retries(chart, 'retries', { service: bookinfo.reviews, attempts: 2 });
    expect(() => new Canary(chart, 'reviews', { service: bookinfo.reviews, delivery: Delivery.flagger() }))
      .toThrow("host 'reviews' is handed to Flagger by release/reviews after release/retries contributed to it: create release/reviews before the host's other blocks");
  });

  test('fails if two blocks hand one host to controllers', () => {
    const { chart, bookinfo } = oneWorkloadBookinfo();
    new Canary(chart, 'reviews', { service: bookinfo.reviews, delivery: Delivery.flagger() });
    expect(() => new BlueGreen(chart, 'reviews-bg', { service: bookinfo.reviews, delivery: Delivery.flagger() }))
      .toThrow("host 'reviews' gets two delivery controllers (Flagger and Flagger) from release/reviews and release/reviews-bg");
  });

  test.each([
    [{ stable: 'v1' }, "'stable' is 'v1', but Flagger routes to the reviews-primary and reviews-canary Services it creates: leave out 'stable' and 'canary'"],
    [{ canaryWeight: 10 }, "'canaryWeight' is 10, but flagger sets the weights: give the weights as 'steps' of the delivery"],
    [{ canaryMatch: [HttpMatch.header('x-canary', StringMatch.exact('1'))] }, "'canaryMatch' has no weighted form in Flagger"],
  ])('throws if %j is set with Flagger', (props, message) => {
    const { chart, bookinfo } = oneWorkloadBookinfo();
    expect(() => new Canary(chart, 'reviews', { service: bookinfo.reviews, delivery: Delivery.flagger(), ...props })).toThrow(message);
  });

  test('throws if the chart uses the Gateway API', () => {
    const { chart, bookinfo } = oneWorkloadBookinfo();
    const other = new (chart.constructor as any)(chart.node.scope, 'ambient');
    useTrafficApi(other, TrafficApi.GATEWAY_API);
    expect(() => new Canary(other, 'reviews', { service: bookinfo.reviews, delivery: Delivery.flagger() }))
      .toThrow("Flagger delivery drives Istio's VirtualService and DestinationRule, but this chart uses the Gateway API");
  });
});
