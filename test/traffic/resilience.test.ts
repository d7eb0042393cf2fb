import { Duration } from 'cdk8s';
import { Severity } from '../../lib/analyze/finding';
import { Canary, CircuitBreaker, ClientTlsMode, ExternalService, FaultInjection, LoadBalancer, LoadBalancing, RequestTimeout, Retries, RetryOn, ServiceRoute, TrafficMirror } from '../../lib';
import { analyzeYaml } from '../analyze/helpers';
import { bookinfoApp, find, synth } from '../util';
import { IPHONE, shop } from './fixtures';

describe('Retries', () => {
  test('writes attempts, perTryTimeout and retryOn (conditions and status codes) on every route', () => {
    const { chart, checkout } = shop();
    new Retries(chart, 'retries', {
      service: checkout, attempts: 2, perTryTimeout: Duration.millis(300),
      retryOn: [RetryOn.GATEWAY_ERROR, RetryOn.CONNECT_FAILURE], retryOnStatusCodes: [429],
    });
    const vs = find(synth(chart), 'VirtualService', 'checkout');
    expect(vs.spec.http[0].retries).toEqual({ attempts: 2, perTryTimeout: '0.3s', retryOn: 'gateway-error,connect-failure,429' });
  });

  test('writes the retry budget into the DestinationRule as retryBudget', () => {
    const { chart, checkout } = shop();
    new Retries(chart, 'retries', { service: checkout, attempts: 2, budgetPercent: 20, minRetryConcurrency: 5 });
    const dr = find(synth(chart), 'DestinationRule', 'checkout');
    expect(dr.spec.trafficPolicy).toEqual({ retryBudget: { percent: 20, minRetryConcurrency: 5 } });
    expect(dr.spec.subsets.map((s: any) => s.name)).toEqual(['v1', 'v2']);
  });

  test.each([
    [{ attempts: -1 }, "'attempts' must be an integer between 0 and 100, got -1"],
    [{ attempts: 1.5 }, "'attempts' must be an integer between 0 and 100, got 1.5"],
    [{ attempts: 2, perTryTimeout: Duration.millis(0) }, "'perTryTimeout' must be a positive whole number of milliseconds (at least 1ms), got 0 millis"],
    [{ attempts: 2, retryOn: ['5XX' as RetryOn] }, "'retryOn[0]' must be one of 5xx, gateway-error"],
    [{ attempts: 2, retryOn: [] }, "'retryOn' must name at least one condition when set"],
    [{ attempts: 2, retryOnStatusCodes: [200] }, "'retryOnStatusCodes[0]' must be an integer between 400 and 599, got 200"],
    [{ attempts: 2, budgetPercent: 120 }, "'budgetPercent' must be a percentage between 0 and 100, got 120"],
    [{ attempts: 2, minRetryConcurrency: 3 }, "'minRetryConcurrency' is set but 'budgetPercent' is not"],
  ])('throws on %p', (props, message) => {
    const { chart, checkout } = shop();
    expect(() => new Retries(chart, 'retries', { service: checkout, ...props } as any)).toThrow(message);
  });
});

describe('RequestTimeout, FaultInjection, TrafficMirror', () => {
  test('FaultInjection writes delay and abort with their percentages', () => {
    const { chart, checkout } = shop();
    new FaultInjection(chart, 'fault', { service: checkout, delay: Duration.seconds(2), delayPercentage: 50, abortHttpStatus: 503, abortPercentage: 10 });
    const vs = find(synth(chart), 'VirtualService', 'checkout');
    expect(vs.spec.http[0].fault).toEqual({ delay: { fixedDelay: '2s', percentage: { value: 50 } }, abort: { httpStatus: 503, percentage: { value: 10 } } });
  });

  test.each([
    [{ delay: Duration.seconds(1), delayPercentage: 150 }, "'delayPercentage' must be a percentage between 0 and 100, got 150"],
    [{ abortHttpStatus: 42 }, "'abortHttpStatus' must be an integer between 200 and 599, got 42"],
    [{ abortHttpStatus: 503, abortPercentage: -1 }, "'abortPercentage' must be a percentage between 0 and 100, got -1"],
    [{}, "one of 'delay' or 'abortHttpStatus' must be set"],
    [{ abortPercentage: 5 }, "one of 'delay' or 'abortHttpStatus' must be set"],
  ])('FaultInjection throws on %p', (props, message) => {
    const { chart, checkout } = shop();
    expect(() => new FaultInjection(chart, 'fault', { service: checkout, ...props })).toThrow(message);
  });

  test('RequestTimeout throws on a timeout under a millisecond', () => {
    const { chart, checkout } = shop();
    expect(() => new RequestTimeout(chart, 't', { service: checkout, timeout: Duration.millis(0.5) }))
      .toThrow("'timeout' must be a positive whole number of milliseconds (at least 1ms), got 0.5 millis");
  });

  test('TrafficMirror fails synth if the subset is not defined, naming its prop', () => {
    const { chart, checkout } = shop();
    new TrafficMirror(chart, 'mirror', { service: checkout, subset: 'v9' });
    expect(() => synth(chart)).toThrow("[shop/mirror] 'subset' names subset 'v9', which no DestinationRule defines for host 'checkout' (defined: v1, v2)");
  });

  test('TrafficMirror throws on a percentage over 100', () => {
    const { chart, checkout } = shop();
    expect(() => new TrafficMirror(chart, 'mirror', { service: checkout, subset: 'v2', percentage: 101 }))
      .toThrow("'percentage' must be a percentage between 0 and 100, got 101");
  });
});

describe('CircuitBreaker and LoadBalancing', () => {
  test('CircuitBreaker writes every outlier detection and connection pool field in Istio\'s spelling', () => {
    const { chart, checkout } = shop();
    new CircuitBreaker(chart, 'breaker', {
      service: checkout,
      outlierDetection: { consecutive5xxErrors: 5, consecutiveGatewayErrors: 3, interval: Duration.seconds(10), baseEjectionTime: Duration.seconds(30), maxEjectionPercent: 50 },
      connectionPool: { maxConnections: 100, http1MaxPendingRequests: 10, http2MaxRequests: 200, maxRequestsPerConnection: 5, idleTimeout: Duration.minutes(5), connectTimeout: Duration.seconds(1) },
    });
    const manifests = synth(chart);
    const dr = find(manifests, 'DestinationRule', 'checkout');
    expect(dr.spec.trafficPolicy).toEqual({
      outlierDetection: { consecutive5xxErrors: 5, consecutiveGatewayErrors: 3, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 50 },
      connectionPool: {
        tcp: { maxConnections: 100, connectTimeout: '1s' },
        http: { http1MaxPendingRequests: 10, http2MaxRequests: 200, maxRequestsPerConnection: 5, idleTimeout: '300s' },
      },
    });
    expect(manifests.filter(m => m.kind === 'DestinationRule')).toHaveLength(1);
    expect(manifests).toMatchSnapshot();
  });

  test('a subset policy lands inside its subset', () => {
    const { chart, checkout } = shop();
    new CircuitBreaker(chart, 'breaker', { service: checkout, subset: 'v2', outlierDetection: { consecutive5xxErrors: 1 } });
    new LoadBalancing(chart, 'lb', { service: checkout, subset: 'v2', loadBalancer: LoadBalancer.LEAST_REQUEST });
    const dr = find(synth(chart), 'DestinationRule', 'checkout');
    expect(dr.spec.trafficPolicy).toBeUndefined();
    expect(dr.spec.subsets[1]).toEqual({
      name: 'v2', labels: { version: 'v2' },
      trafficPolicy: { outlierDetection: { consecutive5xxErrors: 1 }, loadBalancer: { simple: 'LEAST_REQUEST' } },
    });
  });

  test('fails synth if a subset policy names a subset this chart does not define', () => {
    const { chart, checkout } = shop();
    new LoadBalancing(chart, 'lb', { service: checkout, subset: 'v3', loadBalancer: LoadBalancer.RANDOM });
    expect(() => synth(chart)).toThrow("[shop/lb] 'subset' names 'v3', which the DestinationRule of host 'checkout' in this chart does not define (defined here: v1, v2)");
  });

  test.each([
    [LoadBalancer.ROUND_ROBIN, { simple: 'ROUND_ROBIN' }],
    [LoadBalancer.LEAST_REQUEST, { simple: 'LEAST_REQUEST' }],
    [LoadBalancer.RANDOM, { simple: 'RANDOM' }],
    [LoadBalancer.consistentHashHeader('x-user'), { consistentHash: { httpHeaderName: 'x-user' } }],
    [LoadBalancer.consistentHashCookie('session', Duration.hours(1), '/'), { consistentHash: { httpCookie: { name: 'session', ttl: '3600s', path: '/' } } }],
    [LoadBalancer.consistentHashSourceIp(), { consistentHash: { useSourceIp: true } }],
  ])('LoadBalancing writes %s', (loadBalancer, expected) => {
    const { chart, checkout } = shop();
    new LoadBalancing(chart, 'lb', { service: checkout, loadBalancer });
    expect(find(synth(chart), 'DestinationRule', 'checkout').spec.trafficPolicy.loadBalancer).toEqual(expected);
  });

  test.each([
    [{ outlierDetection: { consecutive5xxErrors: -1 } }, "'outlierDetection.consecutive5xxErrors' must be an integer between 0 and 4294967295, got -1"],
    [{ outlierDetection: { maxEjectionPercent: 120 } }, "'outlierDetection.maxEjectionPercent' must be an integer between 0 and 100, got 120"],
    [{ outlierDetection: { interval: Duration.millis(0) } }, "'outlierDetection.interval' must be a positive whole number of milliseconds"],
    [{ outlierDetection: {} }, "'outlierDetection' must set at least one field"],
    [{ connectionPool: { maxConnections: 0 } }, "'connectionPool.maxConnections' must be an integer between 1 and 2147483647, got 0"],
    [{ connectionPool: { http1MaxPendingRequests: 2.5 } }, "'connectionPool.http1MaxPendingRequests' must be an integer between 1 and 2147483647, got 2.5"],
    [{}, "one of 'outlierDetection' or 'connectionPool' must be set"],
  ])('CircuitBreaker throws on %p', (props, message) => {
    const { chart, checkout } = shop();
    expect(() => new CircuitBreaker(chart, 'b', { service: checkout, ...props })).toThrow(message);
  });

  test('throws if two blocks set a host\'s load balancer, naming both', () => {
    const { chart, checkout } = shop();
    new LoadBalancing(chart, 'a', { service: checkout, loadBalancer: LoadBalancer.RANDOM });
    expect(() => new LoadBalancing(chart, 'b', { service: checkout, loadBalancer: LoadBalancer.LEAST_REQUEST }))
      .toThrow("host 'checkout' gets two load balancers from shop/a and shop/b");
  });

  test.each([
    ['X-User', () => LoadBalancer.consistentHashHeader('X-User'), "'consistentHashHeader' header name must be lowercase"],
    ['a bad cookie', () => LoadBalancer.consistentHashCookie('a b', Duration.hours(1)), "'consistentHashCookie' cookie name must be an RFC 6265 token, got 'a b'"],
  ])('LoadBalancer throws on %s', (_, make, message) => {
    expect(make).toThrow(message);
  });

  test('on a bookinfo service, the circuit breaker joins the DestinationRule that defines its subsets', () => {
    const { bookinfo, base } = bookinfoApp();
    new CircuitBreaker(base, 'ratings-breaker', { service: bookinfo.ratings, outlierDetection: { consecutive5xxErrors: 5 } });
    const rules = synth(base).filter(m => m.kind === 'DestinationRule' && m.metadata.name === 'ratings');
    expect(rules).toHaveLength(1);
    expect(rules[0].spec.subsets).toEqual([{ name: 'v1', labels: { version: 'v1' } }]);
    expect(rules[0].spec.trafficPolicy.outlierDetection).toEqual({ consecutive5xxErrors: 5 });
  });
});

describe('what the blocks emit passes the analyzer (CRD schemas and CEL rules)', () => {
  test('every resilience field on one host, and an external service', () => {
    const { chart, checkout } = shop();
    new Canary(chart, 'canary', { service: checkout, stable: 'v1', canary: 'v2', canaryWeight: 20, canaryMatch: [IPHONE] });
    new Retries(chart, 'retries', { service: checkout, attempts: 2, perTryTimeout: Duration.millis(300), retryOn: [RetryOn.FIVE_XX], retryOnStatusCodes: [429], budgetPercent: 25, minRetryConcurrency: 2 });
    new RequestTimeout(chart, 'timeout', { service: checkout, timeout: Duration.seconds(3) });
    new TrafficMirror(chart, 'mirror', { service: checkout, subset: 'v2', percentage: 10 });
    new CircuitBreaker(chart, 'breaker', {
      service: checkout,
      outlierDetection: { consecutive5xxErrors: 5, consecutiveGatewayErrors: 3, interval: Duration.seconds(10), baseEjectionTime: Duration.seconds(30), maxEjectionPercent: 50 },
      connectionPool: { maxConnections: 100, http1MaxPendingRequests: 10, http2MaxRequests: 200, maxRequestsPerConnection: 5, idleTimeout: Duration.minutes(5), connectTimeout: Duration.seconds(1) },
    });
    new LoadBalancing(chart, 'sticky', { service: checkout, subset: 'v1', loadBalancer: LoadBalancer.consistentHashCookie('session', Duration.hours(1)) });
    new ExternalService(chart, 'payments', { host: 'api.payments.example.com', namespace: 'shop', tls: { mode: ClientTlsMode.MUTUAL, credentialName: 'payments-client' } });
    const yaml = synth(chart).map(m => JSON.stringify(m));
    const findings = analyzeYaml(...yaml).filter(f => f.severity === Severity.ERROR);
    expect(findings.map(f => `${f.code} ${f.message}`)).toEqual([]);
  });
});

describe('settings Istio would ignore or refuse', () => {
  test.each([
    [{ attempts: 0, perTryTimeout: Duration.millis(300) }, "'attempts' is 0, which disables retries, but 'perTryTimeout' is set: raise 'attempts' or leave 'perTryTimeout' out"],
    [{ attempts: 0, retryOn: [RetryOn.GATEWAY_ERROR] }, "'attempts' is 0, which disables retries, but 'retryOn' is set"],
  ])('Retries throws on %p', (policy, message) => {
    const { chart, checkout } = shop();
    expect(() => new Retries(chart, 'retries', { service: checkout, ...policy })).toThrow(message);
  });

  test('Retries with attempts 0 alone disables retries', () => {
    const { chart, checkout } = shop();
    new Retries(chart, 'retries', { service: checkout, attempts: 0 });
    expect(find(synth(chart), 'VirtualService', 'checkout').spec.http[0].retries).toEqual({ attempts: 0 });
  });

  test('a ServiceRoute\'s retries are held to the same rule, naming the route', () => {
    const { chart, checkout } = shop();
    expect(() => new ServiceRoute(chart, 'route', { service: checkout, routes: [{ destinations: [{ subset: 'v1' }], retries: { attempts: 0, perTryTimeout: Duration.seconds(1) } }] }))
      .toThrow("'routes[0].retries.attempts' is 0, which disables retries, but 'routes[0].retries.perTryTimeout' is set");
  });

  test('CircuitBreaker throws on outlier detection that ejects nothing', () => {
    const { chart, checkout } = shop();
    expect(() => new CircuitBreaker(chart, 'breaker', { service: checkout, outlierDetection: { consecutive5xxErrors: 0, interval: Duration.seconds(10) } }))
      .toThrow("'outlierDetection.consecutive5xxErrors' is 0 and 'consecutiveGatewayErrors' is not set: the outlier detection would eject no endpoint");
    new CircuitBreaker(chart, 'gateway-errors', { service: checkout, outlierDetection: { consecutive5xxErrors: 0, consecutiveGatewayErrors: 3 } });
  });
});
