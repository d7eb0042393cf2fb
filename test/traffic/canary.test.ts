import { Canary, HttpMatch, StringMatch } from '../../lib';
import { bookinfoApp, find, synth } from '../util';

describe('Canary', () => {
  test('splits reviews 90/10 between v1 and v2', () => {
    // GIVEN
    const { bookinfo, scenario } = bookinfoApp();
    // WHEN
    new Canary(scenario, 'reviews', { service: bookinfo.reviews, stable: 'v1', canary: 'v2', canaryWeight: 10 });
    // THEN
    const manifests = synth(scenario);
    const vs = find(manifests, 'VirtualService', 'reviews');
    expect(vs.apiVersion).toBe('networking.istio.io/v1');
    expect(vs.metadata.namespace).toBe('bookinfo');
    expect(vs.spec.hosts).toEqual(['reviews']);
    expect(vs.spec.http).toEqual([{
      route: [
        { destination: { host: 'reviews', subset: 'v1' }, weight: 90 },
        { destination: { host: 'reviews', subset: 'v2' }, weight: 10 },
      ],
    }]);
    expect(manifests).toMatchSnapshot();
  });

  test.each([[0, 100], [50, 50], [100, 0]])('canaryWeight %i leaves %i to stable', (canaryWeight, stableWeight) => {
    const { bookinfo, scenario } = bookinfoApp();
    const canary = new Canary(scenario, 'reviews', { service: bookinfo.reviews, stable: 'v1', canary: 'v2', canaryWeight });
    const weights = find(synth(scenario), 'VirtualService', 'reviews').spec.http[0].route.map((r: any) => r.weight);
    expect(weights).toEqual([stableWeight, canaryWeight]);
    expect(canary.stableWeight + canary.canaryWeight).toBe(100);
  });

  test('canaryMatch sends matching requests to the canary before the weighted route', () => {
    const { bookinfo, scenario } = bookinfoApp();
    new Canary(scenario, 'reviews', {
      service: bookinfo.reviews, stable: 'v1', canary: 'v2', canaryWeight: 0,
      canaryMatch: [HttpMatch.header('user-agent', StringMatch.regex('.*iPhone.*'))],
    });
    const http = find(synth(scenario), 'VirtualService', 'reviews').spec.http;
    expect(http[0]).toEqual({
      match: [{ headers: { 'user-agent': { regex: '.*iPhone.*' } } }],
      route: [{ destination: { host: 'reviews', subset: 'v2' } }],
    });
    expect(http[1].match).toBeUndefined();
    expect(http[1].route.map((r: any) => [r.destination.subset, r.weight])).toEqual([['v1', 100], ['v2', 0]]);
  });

  test.each([120, -1, 10.5, NaN])('throws if canaryWeight is %p', canaryWeight => {
    const { bookinfo, scenario } = bookinfoApp();
    expect(() => new Canary(scenario, 'reviews', { service: bookinfo.reviews, stable: 'v1', canary: 'v2', canaryWeight }))
      .toThrow(`'canaryWeight' must be an integer between 0 and 100, got ${canaryWeight}`);
  });

  test('throws if stable and canary are the same subset', () => {
    const { bookinfo, scenario } = bookinfoApp();
    expect(() => new Canary(scenario, 'reviews', { service: bookinfo.reviews, stable: 'v1', canary: 'v1' }))
      .toThrow("'canary' must differ from 'stable', got 'v1' for both");
  });

  test('throws if canaryMatch is empty', () => {
    const { bookinfo, scenario } = bookinfoApp();
    expect(() => new Canary(scenario, 'reviews', { service: bookinfo.reviews, stable: 'v1', canary: 'v2', canaryMatch: [] }))
      .toThrow("'canaryMatch' must hold at least one match when set");
  });

  test('fails if the canary subset is not defined by any DestinationRule', () => {
    const { bookinfo, scenario } = bookinfoApp();
    new Canary(scenario, 'reviews', { service: bookinfo.reviews, stable: 'v1', canary: 'v4', canaryWeight: 10 });
    expect(() => synth(scenario)).toThrow(
      "[scenario/reviews] 'canary' names subset 'v4', which no DestinationRule defines for host 'reviews' (defined: v1, v2, v3)");
  });
});
