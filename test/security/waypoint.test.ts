import { Testing } from 'cdk8s';
import { Waypoint } from '../../lib';

describe('Waypoint', () => {
  test('a Gateway API Gateway of class istio-waypoint with the HBONE listener, for service traffic', () => {
    const chart = Testing.chart();
    const waypoint = new Waypoint(chart, 'waypoint', { namespace: 'shop' });
    expect(Testing.synth(chart)).toEqual([{
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway',
      metadata: { name: 'waypoint', namespace: 'shop', labels: { 'istio.io/waypoint-for': 'service' } },
      spec: { gatewayClassName: 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] },
    }]);
    expect(waypoint.gateway.kind).toBe('Gateway');
    expect([waypoint.name, waypoint.namespace]).toEqual(['waypoint', 'shop']);
  });

  test('throws if the name is not a DNS label', () => {
    expect(() => new Waypoint(Testing.chart(), 'w', { namespace: 'shop', name: 'Way' })).toThrow("'name' must be a DNS label");
  });
});
