import { Duration } from 'cdk8s';
import { Canary, Delivery, DeliveryController } from '../../../lib';
import { oneWorkloadBookinfo } from './fixtures';

describe('Delivery', () => {
  test('static is the default, and names its controller', () => {
    const { chart, bookinfo } = oneWorkloadBookinfo();
    expect(new Canary(chart, 'c', { service: bookinfo.details, stable: 'v1', canary: 'v2' }).delivery).toBe(Delivery.STATIC);
    expect(Delivery.flagger().controller).toBe(DeliveryController.FLAGGER);
    expect(Delivery.argoRollouts().controller).toBe(DeliveryController.ARGO_ROLLOUTS);
  });

  test.each([
    [{ steps: [50, 10] }, "'steps' must rise at every step, got [50, 10]"],
    [{ steps: [0, 50] }, "'steps[0]' must be an integer between 1 and 100, got 0"],
    [{ steps: [10.5] }, "'steps[0]' must be an integer between 1 and 100, got 10.5"],
    [{ steps: [100] }, "'steps' must hold a weight below 100, got [100] (100 is the promotion the controller makes after the last step)"],
    [{ interval: Duration.millis(1500) }, "'interval' must be a whole number of seconds (both controllers count in seconds), got 1 second 500 millis"],
    [{ threshold: 0 }, "'threshold' must be an integer between 1 and 1000, got 0"],
    [{ minSuccessRate: 0 }, "'minSuccessRate' must be a percentage above 0 and at most 100, got 0"],
    [{ iterations: -1 }, "'iterations' must be an integer between 1 and 1000, got -1"],
    [{ mirrorPercentage: 0 }, "'mirrorPercentage' must be an integer between 1 and 100, got 0"],
  ])('throws if %j', (options, message) => {
    expect(() => Delivery.flagger(options)).toThrow(message);
  });

  test.each([
    [{ gateways: ['istio-system/public'] }, "'gateways' and 'hosts' go together: Flagger routes the hosts at the gateways, got 1 gateways and 0 hosts"],
    [{ gateways: ['public'], hosts: ['shop.example.com'] }, "'gateways' must name Istio Gateways as namespace/name, got 'public'"],
  ])('throws if Flagger gets %j', (options, message) => {
    expect(() => Delivery.flagger(options)).toThrow(message);
  });

  test('throws if routeName is not a route name', () => {
    expect(() => Delivery.argoRollouts({ routeName: 'Primary Route' })).toThrow("'routeName' must be lowercase letters, digits, '-' and '.', got 'Primary Route'");
  });

  test('throws if workload holds no Deployment', () => {
    const { chart, bookinfo } = oneWorkloadBookinfo();
    expect(() => new Canary(chart, 'reviews', { service: bookinfo.reviews, delivery: Delivery.flagger({ workload: chart.node.findChild('bookinfo').node.findChild('reviews-service') }) }))
      .toThrow("'workload' must be or hold one Deployment, release/bookinfo/reviews-service holds 0");
  });
});
