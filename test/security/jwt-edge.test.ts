import * as YAML from 'yaml';
import { Chart, Testing } from 'cdk8s';
import { HttpMatch, IngressGateway, IngressGatewayProps, JwtEdge, JwtEdgeProps, MeshService, TrafficApi, useTrafficApi } from '../../lib';
import { Analyzer } from '../../lib/analyze/analyzer';
import { parseManifests } from '../../lib/analyze/read/manifest';
import { find, synth } from '../util';

const PROPS: JwtEdgeProps = { issuer: 'https://accounts.example.com', jwksUri: 'https://accounts.example.com/.well-known/jwks.json', paths: ['/api/*'] };

function jwt(props: Partial<JwtEdgeProps> = {}) {
  const chart = new Chart(Testing.app(), 'jwt');
  new JwtEdge(chart, 'ingress', { ...PROPS, ...props });
  return synth(chart);
}

describe('JwtEdge', () => {
  test('validates tokens on the ingress gateway and emits the canonical jwksUri key', () => {
    const manifests = jwt();
    const ra = find(manifests, 'RequestAuthentication', 'ingress-jwt');
    expect(ra.apiVersion).toBe('security.istio.io/v1');
    expect(ra.metadata.namespace).toBe('istio-system');
    expect(ra.spec).toEqual({
      selector: { matchLabels: { istio: 'ingressgateway' } },
      jwtRules: [{ issuer: 'https://accounts.example.com', jwksUri: 'https://accounts.example.com/.well-known/jwks.json' }],
    });
    expect(JSON.stringify(manifests)).not.toContain('jwks_uri');
    expect(manifests).toMatchSnapshot();
  });

  test('denies requests to the chosen paths that carry no request principal', () => {
    const policy = find(jwt(), 'AuthorizationPolicy', 'ingress-require-jwt');
    expect(policy.spec).toEqual({
      selector: { matchLabels: { istio: 'ingressgateway' } },
      action: 'DENY',
      rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }], to: [{ operation: { paths: ['/api/*'], ports: ['8080', '8443'] } }] }],
    });
  });

  test('passes the analyzer, CEL rules on jwksUri and the webhook\'s warning on HTTP-only DENY rules included', () => {
    const text = jwt().map(o => YAML.stringify(o)).join('---\n');
    const { manifests } = parseManifests('jwt.yaml', text);
    expect(manifests).toHaveLength(2);
    expect(new Analyzer().analyze(manifests)).toEqual([]);
  });

  test('without ports the DENY rule would cover TCP traffic too, which istiod warns about', () => {
    const policy = find(jwt(), 'AuthorizationPolicy', 'ingress-require-jwt');
    delete policy.spec.rules[0].to[0].operation.ports;
    const { manifests } = parseManifests('jwt.yaml', YAML.stringify(policy));
    expect(new Analyzer().analyze(manifests).map(f => f.code)).toEqual(['CI105']);
  });

  test('covers the gateway ports given', () => {
    const policy = find(jwt({ ports: [9443] }), 'AuthorizationPolicy', 'ingress-require-jwt');
    expect(policy.spec.rules[0].to[0].operation.ports).toEqual(['9443']);
  });

  test('throws if a port is out of range', () => {
    expect(() => jwt({ ports: [0] })).toThrow("'ports' must list port numbers 1..65535 of the gateway workload, got [0]");
  });

  test('throws if jwksUri is not https', () => {
    expect(() => jwt({ jwksUri: 'http://keys.example.com/jwks.json' })).toThrow("'jwksUri' must be a URL with scheme https, got 'http://keys.example.com/jwks.json'");
  });

  test('throws if no path is protected', () => {
    expect(() => jwt({ paths: [] })).toThrow("'paths' must list paths starting with '/'");
  });

  test('throws if the issuer is empty', () => {
    expect(() => jwt({ issuer: ' ' })).toThrow("'issuer' must not be empty");
  });

  describe('on a given ingress gateway', () => {
    const web = new MeshService({ host: 'web', namespace: 'shop', selector: { app: 'web' }, port: 80 });
    const ingress = (chart: Chart, props: Partial<IngressGatewayProps> = {}) =>
      new IngressGateway(chart, 'in', { name: 'edge', namespace: 'shop', service: web, matches: [HttpMatch.uriPrefix('/')], ...props });

    test('a Gateway API ingress: both policies attached to its Gateway, in its namespace, on its listeners\' ports', () => {
      const chart = new Chart(Testing.app(), 'jwt');
      useTrafficApi(chart, TrafficApi.GATEWAY_API);
      new JwtEdge(chart, 'ingress', { ...PROPS, gateway: ingress(chart, { tls: { credentialName: 'edge-cert' } }) });
      const manifests = synth(chart);
      const targetRefs = [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge' }];
      expect(find(manifests, 'RequestAuthentication', 'ingress-jwt')).toMatchObject({ metadata: { namespace: 'shop' }, spec: { targetRefs } });
      expect(find(manifests, 'AuthorizationPolicy', 'ingress-require-jwt').spec).toEqual({
        targetRefs, action: 'DENY',
        rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }], to: [{ operation: { paths: ['/api/*'], ports: ['80', '443'] } }] }],
      });
      const { manifests: parsed } = parseManifests('jwt.yaml', manifests.map(o => YAML.stringify(o)).join('---\n'));
      expect(new Analyzer().analyze(parsed).filter(f => f.severity === 'error' && f.code !== 'CI217')).toEqual([]);
    });

    test('an Istio-API ingress: its selector and its servers\' ports, in the namespace of Istio\'s ingress proxies', () => {
      const chart = new Chart(Testing.app(), 'jwt');
      new JwtEdge(chart, 'ingress', { ...PROPS, gateway: ingress(chart, { selector: { istio: 'edge' } }) });
      const policy = find(synth(chart), 'AuthorizationPolicy', 'ingress-require-jwt');
      expect(policy.metadata.namespace).toBe('istio-system');
      expect(policy.spec.selector).toEqual({ matchLabels: { istio: 'edge' } });
      expect(policy.spec.rules[0].to).toEqual([{ operation: { paths: ['/api/*'], ports: ['8080'] } }]);
    });

    test('namespace or selector beside a Gateway API gateway is an error naming both', () => {
      const chart = new Chart(Testing.app(), 'jwt');
      useTrafficApi(chart, TrafficApi.GATEWAY_API);
      const gateway = ingress(chart);
      expect(() => new JwtEdge(chart, 'ingress', { ...PROPS, gateway, namespace: 'istio-system' }))
        .toThrow("'namespace' and 'selector' must be left out with a Gateway API 'gateway' ('edge'): the policies attach to the Gateway in its namespace");
    });
  });
});
