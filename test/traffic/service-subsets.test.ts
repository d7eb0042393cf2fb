import { ApiObject, Chart, Testing } from 'cdk8s';
import { MeshService, ServiceSubsets } from '../../lib/index';
import { bookinfoApp, find, synth } from '../util';

describe('ServiceSubsets', () => {
  test('defines a DestinationRule with version-labelled subsets and teaches the handle', () => {
    const chart = new Chart(Testing.app(), 'rules');
    const service = MeshService.fromHost('reviews', { namespace: 'shop' });
    new ServiceSubsets(chart, 'reviews', { service, subsets: ['v1'], definitions: [{ name: 'canary', labels: { track: 'canary' } }] });
    const manifests = synth(chart);
    const rule = find(manifests, 'DestinationRule', 'reviews');
    expect(rule.apiVersion).toBe('networking.istio.io/v1');
    expect(rule.metadata.namespace).toBe('shop');
    expect(rule.spec).toEqual({
      host: 'reviews',
      subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'canary', labels: { track: 'canary' } }],
    });
    expect(service.subsets).toEqual(['v1', 'canary']);
    expect(manifests).toMatchSnapshot();
  });

  test('fails if a subset selects no Deployment the app defines', () => {
    // GIVEN reviews with v1..v3 deployed
    const { bookinfo, scenario } = bookinfoApp();
    // WHEN a second rule adds a subset for a version that has no Deployment
    new ServiceSubsets(scenario, 'reviews-v4', { service: bookinfo.reviews, name: 'reviews-v4', subsets: ['v4'] });
    // THEN
    expect(() => synth(scenario)).toThrow("[scenario/reviews-v4] subset 'v4' of host 'reviews' selects no workload defined in the app "
      + '(subset labels: version=v4; workloads of the service: reviews-v1, reviews-v2, reviews-v3)');
  });

  test('a subset is satisfied by a Deployment added in another chart', () => {
    const { app, bookinfo, scenario } = bookinfoApp();
    new ServiceSubsets(scenario, 'reviews-v4', { service: bookinfo.reviews, name: 'reviews-v4', subsets: ['v4'] });
    const labels = { app: 'reviews', version: 'v4' };
    new ApiObject(scenario, 'reviews-v4-deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'reviews-v4', namespace: 'bookinfo' },
      spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'reviews', image: 'reviews:v4' }] } } },
    });
    expect(() => app.synthYaml()).not.toThrow();
  });

  test('throws if a subset is defined twice for one host', () => {
    const { bookinfo, scenario } = bookinfoApp();
    expect(() => new ServiceSubsets(scenario, 'again', { service: bookinfo.reviews, name: 'reviews-again', subsets: ['v1'] }))
      .toThrow("subset 'v1' of host 'reviews' is defined twice (by bookinfo/bookinfo/reviews-subsets and scenario/again)");
  });

  test('throws if there are no subsets', () => {
    const chart = new Chart(Testing.app(), 'rules');
    expect(() => new ServiceSubsets(chart, 'r', { service: MeshService.fromHost('reviews'), subsets: [] }))
      .toThrow("'subsets' must name at least one subset for host 'reviews'");
  });

  test('throws if a subset name is not a DNS label', () => {
    const chart = new Chart(Testing.app(), 'rules');
    expect(() => new ServiceSubsets(chart, 'r', { service: MeshService.fromHost('reviews'), subsets: ['V1'] }))
      .toThrow("'subsets[0]' must be a subset name (lowercase letters, digits and '-'), got 'V1'");
  });

  test('throws if a subset has empty labels', () => {
    const chart = new Chart(Testing.app(), 'rules');
    expect(() => new ServiceSubsets(chart, 'r', { service: MeshService.fromHost('reviews'), definitions: [{ name: 'all', labels: {} }] }))
      .toThrow("'definitions[0].labels' of subset 'all' must not be empty");
  });
});
