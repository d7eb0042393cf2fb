import { analyzeYaml } from '../helpers';

// Hosts of gateway-bound VirtualServices, as istiod's webhook validates them (Istio 1.30,
// ValidateWildcardDomainForVirtualServiceBoundToGateway): domain names, with the AUTO_PASSTHROUGH names
// `outbound_.<port>_._.<host>` allowed beside SNI matches; duplicates include overlapping wildcards.

const BOUND = (hosts: string, extra = '') => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: grafana, namespace: shop }
spec:
  hosts: ${hosts}
  gateways: [shop/web]
${extra || '  http: [{ route: [{ destination: { host: grafana } }] }]'}`;

const webhook = (yaml: string) => analyzeYaml(yaml).filter(f => f.code === 'CI104').map(f => f.message);

describe('hosts of a VirtualService bound to gateways only', () => {
  test('an unrendered template variable is no domain name', () => {
    expect(webhook(BOUND("['grafana.${INGRESS_DOMAIN}']"))).toEqual(['spec.hosts[0]: domain name "grafana.${INGRESS_DOMAIN}" invalid (label "${INGRESS_DOMAIN}" invalid)']);
  });

  test('a host name, a wildcard, `*` and an IP address pass', () => {
    expect(webhook(BOUND("[grafana.example.com, '*.example.org', 10.1.2.3]"))).toEqual([]);
    expect(webhook(BOUND("['*']"))).toEqual([]);
  });

  test('overlapping wildcards are duplicates, as on the mesh', () => {
    expect(webhook(BOUND("['*.example.com', 'a.example.com']"))).toEqual(['spec.hosts[1]: duplicate hosts in virtual service: *.example.com & a.example.com']);
  });

  test('an AUTO_PASSTHROUGH name is allowed beside SNI matches, and its parts are checked', () => {
    const tls = (host: string) => BOUND(`['${host}']`, `  tls: [{ match: [{ sniHosts: ['${host}'] }], route: [{ destination: { host: grafana } }] }]`);
    expect(webhook(tls('outbound_.80_._.grafana.shop.svc.cluster.local'))).toEqual([]);
    expect(webhook(tls('outbound_.http_._.grafana.shop.svc.cluster.local'))[0]).toMatch(/label "http" invalid\)\. should follow outbound_\.<port>_\._\.<hostname> format/);
    // without SNI matches the same name is an ordinary (invalid) domain
    expect(webhook(BOUND("['outbound_.80_._.grafana']"))[0]).toMatch(/domain name "outbound_\.80_\._\.grafana" invalid/);
  });
});
