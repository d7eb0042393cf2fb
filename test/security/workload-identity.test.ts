import { MeshService, WorkloadIdentity } from '../../lib';

describe('WorkloadIdentity', () => {
  test('the principal of a ServiceAccount, as AuthorizationPolicy principals match it', () => {
    expect(WorkloadIdentity.fromServiceAccount('shop', 'web').principal).toBe('cluster.local/ns/shop/sa/web');
  });

  test('Istio\'s ingress gateway by default, or the one given', () => {
    expect(WorkloadIdentity.ingressGateway().principal).toBe('cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account');
    expect(WorkloadIdentity.ingressGateway({ namespace: 'edge', serviceAccount: 'gw' }).principal).toBe('cluster.local/ns/edge/sa/gw');
  });

  test('a mesh service\'s identity is its ServiceAccount in its namespace', () => {
    const web = new MeshService({ host: 'web', namespace: 'shop', serviceAccount: 'web-sa' });
    expect(WorkloadIdentity.of(web)).toMatchObject({ name: 'web', namespace: 'shop', serviceAccount: 'web-sa' });
  });

  test('throws if a service has no ServiceAccount or namespace', () => {
    expect(() => WorkloadIdentity.of(MeshService.fromHost('web', { namespace: 'shop' })))
      .toThrow("caller 'web' has no serviceAccount: its requests carry no identity a policy can allow");
    expect(() => WorkloadIdentity.of(MeshService.fromHost('web')))
      .toThrow("caller 'web' has no namespace: its requests carry no identity a policy can allow");
  });
});
