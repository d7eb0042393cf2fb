import { analyzeYaml } from '../helpers';

// ObjectMeta as the API server validates it for every kind (Kubernetes 1.35); the agreement test of
// `npm run test:apiserver` holds these rules to a real kube-apiserver.

const ROUTE = (metadata: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: ${metadata}
spec: { hosts: [ratings], http: [{ route: [{ destination: { host: ratings } }] }] }`;

const metadata = (yaml: string) => analyzeYaml(yaml).filter(f => f.code === 'CI009').map(f => f.message);

describe('CI009 metadata the API server refuses', () => {
  test.each([
    ['{ name: Bad_Name, namespace: shop }', /^metadata\.name: invalid value "Bad_Name": a DNS-1123 subdomain/],
    [`{ name: ${'a'.repeat(254)}, namespace: shop }`, /^metadata\.name: .*at most 253 characters, got 254/],
    ['{ name: ratings-, namespace: shop }', /^metadata\.name: invalid value "ratings-"/],
    ['{ name: ratings, namespace: nsA }', /^metadata\.namespace: invalid value "nsA": a DNS-1123 label.*no Namespace of that name can exist/],
    ['{ name: ratings, namespace: shop.eu }', /^metadata\.namespace: invalid value "shop\.eu"/],
    [`{ name: ratings, namespace: shop, labels: { app: ${'a'.repeat(64)} } }`, /^metadata\.labels\.app: invalid label value: must be no more than 63 characters, got 64/],
    ['{ name: ratings, namespace: shop, labels: { app: a/b } }', /^metadata\.labels\.app: invalid label value "a\/b"/],
    ["{ name: ratings, namespace: shop, labels: { 'bad key': x } }", /^metadata\.labels: invalid label key "bad key": the name part/],
    ['{ name: ratings, namespace: shop, annotations: { a/b/c: x } }', /^metadata\.annotations: invalid annotation key "a\/b\/c": a qualified name has at most one '\/'/],
    ['{ name: ratings, namespace: shop, labels: { Example.COM/k: x } }', /^metadata\.labels: invalid label key "Example\.COM\/k": the prefix must be a DNS-1123 subdomain/],
  ])('%s', (meta, message) => {
    expect(metadata(ROUTE(meta))).toEqual([expect.stringMatching(message)]);
  });

  test('dotted names, qualified keys, empty label values and upper-case annotation keys pass', () => {
    expect(metadata(ROUTE("{ name: ratings.v1, namespace: shop, labels: { app.kubernetes.io/name: ratings, empty: '' }, annotations: { Example.com/Owner: team } }"))).toEqual([]);
  });

  test('a Service name is a DNS-1035 label: no dots, a letter first', () => {
    const service = (name: string) => `apiVersion: v1
kind: Service
metadata: { name: '${name}', namespace: shop }
spec: { selector: { app: x }, ports: [{ port: 80, name: http }] }`;
    expect(metadata(service('ratings.v1'))).toEqual([expect.stringMatching(/DNS-1123 label/)]);
    expect(metadata(service('9ratings'))).toEqual([expect.stringMatching(/DNS-1035 label: it must start with a lowercase letter/)]);
    expect(metadata(service('ratings'))).toEqual([]);
  });

  test('status is not validated where the kind serves it as a subresource: the API server ignores it', () => {
    const withStatus = `${ROUTE('{ name: ratings, namespace: shop }')}
status: { observedGeneration: not-a-number }`;
    expect(analyzeYaml(withStatus).filter(f => f.code === 'CI101')).toEqual([]);
  });
});
