import { MeshService } from '../lib/index';

describe('MeshService', () => {
  test.each([
    [{ namespace: 'Shop' }, "'namespace' must be a DNS label (lowercase letters, digits and '-', at most 63 characters), got 'Shop'"],
    [{ port: 0 }, "'port' must be an integer between 1 and 65535, got 0"],
  ])('fromHost throws on %p', (options, message) => {
    expect(() => MeshService.fromHost('checkout', options)).toThrow(message);
  });

  test('fromHost throws if the host is not a Service name', () => {
    expect(() => MeshService.fromHost('Checkout')).toThrow("'host' must be a DNS label");
  });
});

describe('MeshService', () => {
  test('fromHost keeps host, namespace and port', () => {
    const service = MeshService.fromHost('ratings', { namespace: 'shop', port: 9080, subsets: ['v1'] });
    expect([service.host, service.namespace, service.port, service.fqdn, service.subsets])
      .toEqual(['ratings', 'shop', 9080, 'ratings.shop.svc.cluster.local', ['v1']]);
  });

  test('throws if the host is not a DNS label', () => {
    expect(() => MeshService.fromHost('Reviews.Default')).toThrow("'host' must be a DNS label");
  });

  test('throws if the port is out of range', () => {
    expect(() => MeshService.fromHost('reviews', { port: 70000 })).toThrow("'port' must be an integer between 1 and 65535, got 70000");
  });
});
