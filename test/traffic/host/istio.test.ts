import { Duration, Testing } from 'cdk8s';
import { FaultInjection, HttpMatch, MeshService, Retries, RetryOn, ServiceSubsets, StringMatch, TrafficMirror } from '../../../lib';
import { istioMatch } from '../../../lib/traffic/host/istio';
import { find, synth } from '../../util';

describe('the Istio renderer', () => {
  test('renders header and uri matches as Istio writes them', () => {
    expect(istioMatch(HttpMatch.header('user-agent', StringMatch.regex('.*iPhone.*')))).toEqual({ headers: { 'user-agent': { regex: '.*iPhone.*' } } });
    expect(istioMatch(HttpMatch.uriExact('/login'))).toEqual({ uri: { exact: '/login' } });
    expect(istioMatch(HttpMatch.uriPrefix('/static'))).toEqual({ uri: { prefix: '/static' } });
    expect(istioMatch(HttpMatch.uri(StringMatch.regex('.*/v1/.*')))).toEqual({ uri: { regex: '.*/v1/.*' } });
  });

  test('writes durations in protobuf form, retry conditions comma-joined, percentages as values', () => {
    // GIVEN retries, a fault and a mirror held as values by the host model
    const chart = Testing.chart();
    const service = new MeshService({ host: 'ratings', namespace: 'shop' });
    new ServiceSubsets(chart, 'subsets', { service, subsets: ['v1', 'v2'] });
    new Retries(chart, 'retries', { service, attempts: 2, perTryTimeout: Duration.millis(250), retryOn: [RetryOn.GATEWAY_ERROR], retryOnStatusCodes: [409] });
    new TrafficMirror(chart, 'mirror', { service, subset: 'v2', percentage: 12.5 });
    const faulty = Testing.chart();
    const other = new MeshService({ host: 'details', namespace: 'shop' });
    new FaultInjection(faulty, 'fault', { service: other, delay: Duration.seconds(2), delayPercentage: 50, abortHttpStatus: 503 });
    // THEN Istio's wire form
    expect(find(synth(chart), 'VirtualService', 'ratings').spec.http).toEqual([{
      route: [{ destination: { host: 'ratings' } }],
      retries: { attempts: 2, perTryTimeout: '0.25s', retryOn: 'gateway-error,409' },
      mirror: { host: 'ratings', subset: 'v2' },
      mirrorPercentage: { value: 12.5 },
    }]);
    expect(find(synth(faulty), 'VirtualService', 'details').spec.http[0].fault).toEqual({
      delay: { fixedDelay: '2s', percentage: { value: 50 } },
      abort: { httpStatus: 503, percentage: { value: 100 } },
    });
  });
});
