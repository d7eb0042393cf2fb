import * as fs from 'fs';
import * as path from 'path';
import { Chart, Duration, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { CircuitBreaker, LoadBalancer, LoadBalancing, LocalityFailover, MeshService, ServiceSubsets } from '../../lib';
import { Analyzer } from '../../lib/analyze/analyzer';
import { SHARED } from '../fixtures';
import { find, manifestsOf, synth } from '../util';

function helloworld() {
  const chart = new Chart(Testing.app(), 'sample');
  return { chart, service: MeshService.fromHost('helloworld', { namespace: 'sample' }) };
}

const BREAKER = { consecutive5xxErrors: 1, interval: Duration.seconds(1), baseEjectionTime: Duration.minutes(1) };

describe('LocalityFailover', () => {
  test('istio.io\'s failover task: the same traffic policy as its DestinationRule, from three blocks', () => {
    // GIVEN
    const upstream = YAML.parse(fs.readFileSync(path.join(SHARED, 'real-world', 'istio.io-locality-failover', 'configure_locality_failover_1.yaml'), 'utf8'));
    const { chart, service } = helloworld();
    // WHEN
    new LoadBalancing(chart, 'lb', { service, loadBalancer: LoadBalancer.ROUND_ROBIN });
    new LocalityFailover(chart, 'failover', { service, failover: [{ region: 'region1', toRegion: 'region2' }] });
    new CircuitBreaker(chart, 'breaker', { service, outlierDetection: BREAKER, connectionPool: { maxRequestsPerConnection: 1 } });
    // THEN
    const dr = find(synth(chart), 'DestinationRule', 'helloworld');
    // durations are written in seconds: the task's 1m is 60s
    expect(upstream.spec.trafficPolicy.outlierDetection.baseEjectionTime).toBe('1m');
    const expected = { ...upstream.spec.trafficPolicy, outlierDetection: { ...upstream.spec.trafficPolicy.outlierDetection, baseEjectionTime: '60s' } };
    expect(dr.spec.trafficPolicy).toEqual(expected);
    // the task writes the host as an FQDN; ours is the short name in the same namespace
    expect([dr.spec.host, dr.metadata.namespace]).toEqual(['helloworld', 'sample']);
    expect(new Analyzer().analyze(manifestsOf(chart)).filter(f => f.severity === 'error')).toEqual([]);
    expect(dr).toMatchSnapshot();
  });

  test('failover priority by labels, and weighted distribution, in Istio\'s spelling', () => {
    const { chart, service } = helloworld();
    new LocalityFailover(chart, 'failover', { service, failoverPriority: ['topology.istio.io/network', 'topology.kubernetes.io/region'] });
    new CircuitBreaker(chart, 'breaker', { service, outlierDetection: BREAKER });
    expect(find(synth(chart), 'DestinationRule', 'helloworld').spec.trafficPolicy.loadBalancer)
      .toEqual({ localityLbSetting: { enabled: true, failoverPriority: ['topology.istio.io/network', 'topology.kubernetes.io/region'] } });
    const other = helloworld();
    new LocalityFailover(other.chart, 'spread', { service: other.service, distribute: [{ locality: 'us-west/zone1/*', weights: { 'us-west/zone1/*': 80, 'us-west/zone2/*': 20 } }] });
    // distribution needs no outlier detection
    expect(find(synth(other.chart), 'DestinationRule', 'helloworld').spec.trafficPolicy.loadBalancer.localityLbSetting)
      .toEqual({ enabled: true, distribute: [{ from: 'us-west/zone1/*', to: { 'us-west/zone1/*': 80, 'us-west/zone2/*': 20 } }] });
  });

  test('fails synth without outlier detection on the host or the subset, naming what to add', () => {
    const { chart, service } = helloworld();
    new LocalityFailover(chart, 'failover', { service, failover: [{ region: 'region1', toRegion: 'region2' }] });
    expect(() => synth(chart)).toThrow("locality failover of host 'helloworld' has no outlier detection, without which Istio never sees an endpoint as unhealthy and never fails over: add a CircuitBreaker with outlierDetection for the host");
    const subset = helloworld();
    new ServiceSubsets(subset.chart, 'subsets', { service: subset.service, subsets: ['v1'] });
    new LocalityFailover(subset.chart, 'failover', { service: subset.service, subset: 'v1', failoverPriority: ['topology.istio.io/network'] });
    new CircuitBreaker(subset.chart, 'breaker', { service: subset.service, subset: 'v1', outlierDetection: BREAKER });
    expect(find(synth(subset.chart), 'DestinationRule', 'helloworld').spec.subsets[0].trafficPolicy.loadBalancer.localityLbSetting.failoverPriority).toEqual(['topology.istio.io/network']);
  });

  test.each([
    [{ failover: [{ region: 'a', toRegion: 'a' }] }, "'failover[0]' fails region 'a' over to itself"],
    [{ failover: [{ region: 'a b', toRegion: 'c' }] }, "'failover[0].region' must be a region name, got 'a b'"],
    [{ failoverPriority: [] }, "'failoverPriority' must name at least one label when set"],
    [{ distribute: [{ locality: 'a', weights: { a: 60, b: 30 } }] }, "'distribute[0].weights' must be integer percentages summing to 100, got {\"a\":60,\"b\":30}"],
    [{ distribute: [{ locality: 'a/b/c/d', weights: { a: 100 } }] }, "'distribute[0].locality' must be region[/zone[/subzone]], got 'a/b/c/d'"],
    [{ failover: [{ region: 'a', toRegion: 'b' }], distribute: [{ locality: 'a', weights: { a: 100 } }] }, "'distribute' and 'failover' are both set: Istio takes weighted distribution or failover, not both"],
  ])('throws if %j', (props, message) => {
    const { chart, service } = helloworld();
    expect(() => new LocalityFailover(chart, 'failover', { service, ...props })).toThrow(message);
  });
});
