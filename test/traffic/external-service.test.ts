import { Chart, Testing } from 'cdk8s';
import { ClientTlsMode, ExternalProtocol, ExternalService } from '../../lib/index';
import { analyzeYaml } from '../analyze/helpers';
import { find, synth } from '../util';

describe('ExternalService', () => {
  test('originates TLS: a ServiceEntry on port 80 to 443 and a SIMPLE DestinationRule', () => {
    const chart = new Chart(Testing.app(), 'egress');
    new ExternalService(chart, 'payments', { host: 'api.payments.example.com', namespace: 'shop', tls: { mode: ClientTlsMode.SIMPLE, sni: 'api.payments.example.com' } });
    const manifests = synth(chart);
    const se = find(manifests, 'ServiceEntry', 'api-payments-example-com');
    expect(se.spec).toEqual({
      hosts: ['api.payments.example.com'], location: 'MESH_EXTERNAL', resolution: 'DNS',
      ports: [{ number: 80, name: 'http-80', protocol: 'HTTP', targetPort: 443 }],
    });
    const dr = find(manifests, 'DestinationRule', 'api.payments.example.com');
    expect(dr.spec).toEqual({ host: 'api.payments.example.com', trafficPolicy: { tls: { mode: 'SIMPLE', sni: 'api.payments.example.com' } } });
  });

  test('MUTUAL TLS carries the credential; without tls the workloads speak HTTPS themselves', () => {
    const chart = new Chart(Testing.app(), 'egress');
    new ExternalService(chart, 'bank', { host: 'api.bank.example', tls: { mode: ClientTlsMode.MUTUAL, credentialName: 'bank-client' } });
    new ExternalService(chart, 'maps', { host: 'maps.example.com' });
    const manifests = synth(chart);
    expect(find(manifests, 'DestinationRule', 'api.bank.example').spec.trafficPolicy.tls).toEqual({ mode: 'MUTUAL', credentialName: 'bank-client' });
    expect(find(manifests, 'ServiceEntry', 'maps-example-com').spec.ports).toEqual([{ number: 443, name: 'https-443', protocol: 'HTTPS' }]);
    expect(manifests.filter(m => m.kind === 'DestinationRule')).toHaveLength(1);
  });

  test('a pinned CA is written as caCertificates and silences istioctl\'s IST0128 warning (CI228)', () => {
    const warnings = (tls: any) => {
      const chart = new Chart(Testing.app(), 'egress');
      new ExternalService(chart, 'payments', { host: 'api.payments.example.com', namespace: 'shop', tls });
      const manifests = synth(chart);
      return { dr: find(manifests, 'DestinationRule', 'api.payments.example.com'), codes: analyzeYaml(...manifests.map(m => JSON.stringify(m))).map(f => f.code) };
    };
    expect(warnings({ mode: ClientTlsMode.SIMPLE }).codes).toEqual(['CI228']);
    const pinned = warnings({ mode: ClientTlsMode.SIMPLE, caCertificates: '/etc/certs/payments-ca.pem' });
    expect(pinned.dr.spec.trafficPolicy.tls).toEqual({ mode: 'SIMPLE', caCertificates: '/etc/certs/payments-ca.pem' });
    expect(pinned.codes).toEqual([]);
  });

  test.each([
    [{ host: 'a.example.com', tls: { mode: ClientTlsMode.SIMPLE, caCertificates: 'ca.pem' } }, "'tls.caCertificates' must be an absolute path in the proxy, with mode SIMPLE or MUTUAL; got 'ca.pem' with mode SIMPLE"],
    [{ host: 'payments' }, "'host' must be a fully qualified DNS name in lowercase (api.example.com, or *.example.com), got 'payments'"],
    [{ host: 'API.example.com' }, "'host' must be a fully qualified DNS name"],
    [{ host: 'a.example.com', tls: { mode: ClientTlsMode.MUTUAL } }, "'tls.credentialName' is required when 'mode' is MUTUAL"],
    [{ host: 'a.example.com', tls: { mode: ClientTlsMode.DISABLE, credentialName: 'x' } }, "'tls.credentialName' is set but 'mode' is DISABLE"],
    [{ host: 'a.example.com', tlsPort: 8443 }, "'tlsPort' is set but 'tls' is not"],
    [{ host: 'a.example.com', port: 70000 }, "'port' must be an integer between 1 and 65535, got 70000"],
  ])('throws on %p', (props, message) => {
    const chart = new Chart(Testing.app(), 'egress');
    expect(() => new ExternalService(chart, 'x', props as any)).toThrow(message);
  });
});

describe('ExternalService with several hosts, ports and addresses', () => {
  test('wildcard hosts and several ports: one ServiceEntry, resolved by the address the workload dialed', () => {
    const chart = new Chart(Testing.app(), 'egress');
    const google = new ExternalService(chart, 'google', {
      hosts: ['accounts.google.com', '*.googleapis.com'], namespace: 'shop',
      ports: [{ number: 80, protocol: ExternalProtocol.HTTP }, { number: 443, protocol: ExternalProtocol.HTTPS, name: 'tls-web' }],
    });
    const se = find(synth(chart), 'ServiceEntry', 'accounts-google-com');
    expect(se.spec).toEqual({
      hosts: ['accounts.google.com', '*.googleapis.com'],
      location: 'MESH_EXTERNAL',
      resolution: 'NONE',
      ports: [{ number: 80, protocol: 'HTTP', name: 'http-80' }, { number: 443, protocol: 'HTTPS', name: 'tls-web' }],
    });
    expect(google.service.host).toBe('accounts.google.com');
  });

  test('addresses, and a name of its own', () => {
    const chart = new Chart(Testing.app(), 'egress');
    new ExternalService(chart, 'metadata', { name: 'gce-metadata', host: 'metadata.google.internal', addresses: ['169.254.169.254', '10.0.0.0/8'], ports: [{ number: 80, protocol: ExternalProtocol.HTTP }] });
    const se = find(synth(chart), 'ServiceEntry', 'gce-metadata');
    expect([se.spec.addresses, se.spec.resolution]).toEqual([['169.254.169.254', '10.0.0.0/8'], 'NONE']);
  });

  test.each([
    [{ host: 'a.example.com', hosts: ['b.example.com'] }, "one of 'host' or 'hosts' must be set, got both"],
    [{}, "one of 'host' or 'hosts' must be set, got neither"],
    [{ hosts: [] }, "'hosts' must name at least one host"],
    [{ hosts: ['a.example.com', 'b.example.com'], tls: { mode: ClientTlsMode.SIMPLE } }, "'tls' originates TLS to one host, got 2 in 'hosts'"],
    [{ host: '*.example.com', tls: { mode: ClientTlsMode.SIMPLE } }, "'host' must be a fully qualified DNS name in lowercase (api.example.com), got '*.example.com'"],
    [{ host: 'a.example.com', addresses: ['300.1.1.1'] }, "'addresses[0]' must be an IP address or CIDR block, got '300.1.1.1'"],
    [{ host: 'a.example.com', addresses: ['10.0.0.0/33'] }, "'addresses[0]' must be an IP address or CIDR block, got '10.0.0.0/33'"],
    [{ host: 'a.example.com', port: 443, ports: [{ number: 443, protocol: ExternalProtocol.HTTPS }] }, "'ports' is set beside 'port'"],
    [{ host: 'a.example.com', ports: [{ number: 443, protocol: ExternalProtocol.HTTPS }, { number: 443, protocol: ExternalProtocol.TLS }] }, "'ports' holds port number 443 twice"],
    [{ host: 'a.example.com', ports: [{ number: 443, protocol: 'QUIC' }] }, "'ports[0].protocol' must be one of HTTP, HTTPS, TLS, TCP, GRPC, got 'QUIC'"],
    [{ host: 'a.example.com', ports: [{ number: 70000, protocol: ExternalProtocol.TCP }] }, "'ports[0].number' must be an integer between 1 and 65535, got 70000"],
    [{ host: 'a.example.com', name: 'A_B' }, "'name' must be a DNS label"],
  ])('throws on %j', (props, message) => {
    const chart = new Chart(Testing.app(), 'egress');
    expect(() => new ExternalService(chart, 'x', props as any)).toThrow(message);
  });
});
