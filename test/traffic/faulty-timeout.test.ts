import { Duration } from 'cdk8s';
import { FaultyTimeout, FaultyTimeoutProps } from '../../lib';
import { bookinfoApp, find, synth } from '../util';

function faultyTimeout(overrides: Partial<FaultyTimeoutProps> = {}) {
  const { bookinfo, scenario } = bookinfoApp();
  new FaultyTimeout(scenario, 'ratings-delay', {
    service: bookinfo.ratings, subset: 'v1', delay: Duration.seconds(2),
    caller: bookinfo.reviews, callerSubset: 'v2', timeout: Duration.millis(500),
    ...overrides,
  });
  return synth(scenario);
}

describe('FaultyTimeout', () => {
  test('delays ratings v1 by 2s for all requests and times reviews v2 out after 0.5s', () => {
    const manifests = faultyTimeout();
    const ratings = find(manifests, 'VirtualService', 'ratings');
    expect(ratings.spec.http).toEqual([{
      fault: { delay: { fixedDelay: '2s', percentage: { value: 100 } } },
      route: [{ destination: { host: 'ratings', subset: 'v1' } }],
    }]);
    const reviews = find(manifests, 'VirtualService', 'reviews');
    expect(reviews.spec.http).toEqual([{ route: [{ destination: { host: 'reviews', subset: 'v2' } }], timeout: '0.5s' }]);
    expect(manifests).toMatchSnapshot();
  });

  test('injects an abort with its percentage', () => {
    const manifests = faultyTimeout({ delay: undefined, abortHttpStatus: 503, abortPercentage: 25 });
    expect(find(manifests, 'VirtualService', 'ratings').spec.http[0].fault).toEqual({ abort: { httpStatus: 503, percentage: { value: 25 } } });
  });

  test('injects a delay and an abort together', () => {
    const manifests = faultyTimeout({ delayPercentage: 50, abortHttpStatus: 500, abortPercentage: 10 });
    expect(find(manifests, 'VirtualService', 'ratings').spec.http[0].fault).toEqual({
      delay: { fixedDelay: '2s', percentage: { value: 50 } },
      abort: { httpStatus: 500, percentage: { value: 10 } },
    });
  });

  test.each([
    [Duration.millis(1), '0.001s'], [Duration.millis(1500), '1.5s'], [Duration.minutes(1), '60s'],
  ])('renders %p as %s', (timeout, expected) => {
    expect(find(faultyTimeout({ timeout }), 'VirtualService', 'reviews').spec.http[0].timeout).toBe(expected);
  });

  test('throws if the timeout is zero', () => {
    expect(() => faultyTimeout({ timeout: Duration.millis(0) }))
      .toThrow("'timeout' must be a positive whole number of milliseconds (at least 1ms), got 0 millis");
  });

  test('throws if the delay is under a millisecond', () => {
    expect(() => faultyTimeout({ delay: Duration.millis(0.5) })).toThrow("'delay' must be a positive whole number of milliseconds");
  });

  test.each([101, -5])('throws if the delay percentage is %p', delayPercentage => {
    expect(() => faultyTimeout({ delayPercentage }))
      .toThrow(`'delayPercentage' must be a percentage between 0 and 100, got ${delayPercentage}`);
  });

  test('throws if the abort status is not an HTTP status', () => {
    expect(() => faultyTimeout({ abortHttpStatus: 42 })).toThrow("'abortHttpStatus' must be an integer between 200 and 599, got 42");
  });

  test('throws if there is no fault', () => {
    expect(() => faultyTimeout({ delay: undefined })).toThrow("one of 'delay' or 'abortHttpStatus' must be set");
  });

  test('throws if a percentage is set without its fault', () => {
    expect(() => faultyTimeout({ abortPercentage: 10 })).toThrow("'abortPercentage' is set but 'abortHttpStatus' is not");
  });

  test('fails if the caller subset is not defined', () => {
    expect(() => faultyTimeout({ callerSubset: 'v9' }))
      .toThrow("names subset 'v9', which no DestinationRule defines for host 'reviews' (defined: v1, v2, v3)");
  });
});
