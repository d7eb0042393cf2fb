import { analyzeYaml, codes, gateway, GOOD, REVIEWS_SERVICE, REVIEWS_V1, reviewsRoute } from '../helpers';
import { WORKLOADS } from './fixtures';

// Bad/good inputs written for this project after istioctl 1.30's analyzers of VirtualServices (virtualservice, gateway and JWT claim route analyzers):
// the checks of lib/analyze/checks/virtual-service.ts.

describe('CI201 destination host not found (IST0101, KIA1101)', () => {
  test('flags a host no Service defines in a namespace the input describes', () => {
    const findings = analyzeYaml(...GOOD, reviewsRoute('  - route: [{ destination: { host: ratings } }]').replace('name: reviews }', 'name: ratings-route }').replace('hosts: [reviews]', 'hosts: [ratings]'));
    expect(findings.filter(f => f.code === 'CI201').map(f => f.message)).toEqual([
      "destination host 'ratings' (ratings.default.svc.cluster.local) is not defined by any Service or ServiceEntry visible in namespace default",
    ]);
  });

  test('does not flag hosts in namespaces the input does not describe (installed by the mesh)', () => {
    expect(codes(analyzeYaml(reviewsRoute('  - route: [{ destination: { host: istiod.istio-system.svc.cluster.local } }]')))).toEqual([]);
  });
});

describe('CI202 subset not found (IST0101, KIA1107)', () => {
  test("flags the tutorial's 90/10 split applied without any DestinationRule", () => {
    const findings = analyzeYaml(...WORKLOADS, GOOD[4]);
    expect(codes(findings)).toEqual(['CI202', 'CI202']);
    expect(findings[0].message).toBe("destination subset 'v1' of host 'reviews' is not defined by any DestinationRule (defined: none — no DestinationRule for this host); requests get 503");
  });

  test('lists the subsets that are defined', () => {
    const findings = analyzeYaml(...GOOD.slice(0, 4), reviewsRoute('  - route: [{ destination: { host: reviews, subset: v3 } }]'));
    expect(findings.map(f => f.message)).toEqual(["destination subset 'v3' of host 'reviews' is not defined by any DestinationRule (defined: v1, v2); requests get 503"]);
  });
});

describe('CI203 gateway not found (KIA1102)', () => {
  test('flags a gateway reference that nothing defines', () => {
    const findings = analyzeYaml(...GOOD.slice(0, 4), reviewsRoute('  - route: [{ destination: { host: reviews, subset: v1 } }]', '\n  gateways: [missing-gateway]'));
    // istioctl reports the missing gateway (IST0101) and, having no hosts from it, IST0132 as well
    expect(codes(findings)).toEqual(['CI203', 'CI207']);
  });

  test('passes when the gateway exists and serves the host', () => {
    expect(analyzeYaml(...GOOD.slice(0, 4), gateway(), reviewsRoute('  - route: [{ destination: { host: reviews, subset: v1 } }]', '\n  gateways: [gw]'))).toEqual([]);
  });
});

describe('CI204 two VirtualServices for one host (IST0109, KIA1106)', () => {
  test('flags both VirtualServices', () => {
    const second = GOOD[4].replace('name: reviews }', 'name: reviews-again }');
    const findings = analyzeYaml(...GOOD, second);
    expect(codes(findings)).toEqual(['CI204', 'CI204']);
    expect(findings[0].message).toMatch(/^host 'reviews.default.svc.cluster.local' on the mesh is also routed by VirtualService\/default\/reviews-again/);
  });

  test('passes one host routed on the mesh and on a gateway', () => {
    const gatewayRoute = GOOD[4].replace('name: reviews }', 'name: reviews-edge }').replace('hosts: [reviews]', 'hosts: [reviews]\n  gateways: [istio-system/edge]');
    expect(codes(analyzeYaml(...GOOD, gatewayRoute))).toEqual([]);
  });
});

describe('CI207 host not served by the gateway (IST0132)', () => {
  test('flags a VirtualService host the gateway does not list', () => {
    const vs = reviewsRoute('  - route: [{ destination: { host: reviews, subset: v1, port: { number: 9080 } } }]', '\n  gateways: [gw]').replace('hosts: [reviews]', 'hosts: [books.example.com]');
    const findings = analyzeYaml(...GOOD.slice(0, 4), gateway('shop.example.com'), vs);
    expect(findings.map(f => [f.code, f.message])).toEqual([['CI207', "none of the hosts books.example.com is served by gateway 'gw' (serves: shop.example.com)"]]);
  });
});

describe('CI208/CI209 unreachable routes and repeated matches (IST0130, IST0131)', () => {
  test('flags a route behind a catch-all and a repeated match', () => {
    const findings = analyzeYaml(...GOOD.slice(0, 4), reviewsRoute(`
  - match: [{ headers: { end-user: { exact: jason } } }]
    route: [{ destination: { host: reviews, subset: v2 } }]
  - match: [{ headers: { end-user: { exact: jason } } }]
    route: [{ destination: { host: reviews, subset: v1 } }]
  - route: [{ destination: { host: reviews, subset: v1 } }]
  - route: [{ destination: { host: reviews, subset: v2 } }]`));
    // a rule whose every match repeats earlier ones is unreachable too, as istiod's webhook reports it
    expect(findings.map(f => [f.code, f.message])).toEqual([
      ['CI208', "http[1] is unreachable: each of its matches repeats an earlier rule's"],
      ['CI209', 'http[1].match[0] repeats http[0].match[0] and never applies'],
      ['CI208', 'http[3] is unreachable: http[2] matches every request'],
    ]);
  });

  test.each([
    ['prefix: /', "{ uri: { prefix: / } }"],
    ['regex: .*', "{ uri: { regex: '.*' } }"],
    ['an empty match', '{}'],
  ])('a route matching every request (%s) shadows the routes after it', (_, match) => {
    const findings = analyzeYaml(...GOOD.slice(0, 4), reviewsRoute(`
  - match: [${match}]
    route: [{ destination: { host: reviews, subset: v1 } }]
  - match: [{ headers: { end-user: { exact: jason } } }]
    route: [{ destination: { host: reviews, subset: v2 } }]`));
    expect(findings.map(f => [f.code, f.message])).toEqual([['CI208', 'http[1] is unreachable: http[0] matches every request']]);
  });

  test('a narrower prefix, or a prefix beside another condition, is no catch-all', () => {
    for (const match of ['{ uri: { prefix: /api } }', '{ uri: { prefix: / }, headers: { end-user: { exact: jason } } }']) {
      expect(codes(analyzeYaml(...GOOD.slice(0, 4), reviewsRoute(`
  - match: [${match}]
    route: [{ destination: { host: reviews, subset: v1 } }]
  - route: [{ destination: { host: reviews, subset: v2 } }]`)))).toEqual([]);
    }
  });

  test('a TLS rule whose matches all repeat earlier ones is unreachable; match names do not count', () => {
    const tls = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: tls, namespace: default }
spec:
  hosts: [reviews]
  tls:
  - match: [{ sniHosts: [reviews], port: 9443 }]
    route: [{ destination: { host: reviews, subset: v1 } }]
  - match: [{ sniHosts: [reviews], port: 9443 }]
    route: [{ destination: { host: reviews, subset: v2 } }]`;
    const findings = analyzeYaml(...GOOD.slice(0, 4), tls);
    expect(findings.map(f => [f.code, f.message])).toEqual([
      ['CI208', "tls[1] is unreachable: each of its matches repeats an earlier rule's"],
      ['CI209', 'tls[1].match[0] repeats tls[0].match[0] and never applies'],
    ]);
    const named = analyzeYaml(...GOOD.slice(0, 4), reviewsRoute(`
  - name: first
    match: [{ name: a, headers: { end-user: { exact: jason } } }]
    route: [{ destination: { host: reviews, subset: v2 } }]
  - match: [{ name: b, headers: { end-user: { exact: jason } } }]
    route: [{ destination: { host: reviews, subset: v1 } }]
  - route: [{ destination: { host: reviews, subset: v1 } }]`));
    expect(codes(named)).toEqual(['CI208', 'CI209']);
  });
});

describe('CI210 gateway route to a multi-port Service without a port (IST0112)', () => {
  const twoPorts = REVIEWS_SERVICE.replace('ports: [{ port: 9080, name: http }]', 'ports: [{ port: 9080, name: http }, { port: 9443, name: https }]');
  test('flags the destination', () => {
    const vs = reviewsRoute('  - route: [{ destination: { host: reviews } }]', '\n  gateways: [gw]').replace('hosts: [reviews]', "hosts: ['*']");
    expect(codes(analyzeYaml(twoPorts, REVIEWS_V1, gateway(), vs))).toEqual(['CI210']);
  });

  test('passes when the port is named', () => {
    const vs = reviewsRoute('  - route: [{ destination: { host: reviews, port: { number: 9080 } } }]', '\n  gateways: [gw]').replace('hosts: [reviews]', "hosts: ['*']");
    expect(codes(analyzeYaml(twoPorts, REVIEWS_V1, gateway(), vs))).toEqual([]);
  });
});

describe('CI214 weights', () => {
  test('warns when weights do not sum to 100', () => {
    const findings = analyzeYaml(...GOOD.slice(0, 4), GOOD[4].replace('weight: 10', 'weight: 20'));
    expect(findings.map(f => [f.code, f.severity, f.message])).toEqual([
      ['CI214', 'warning', 'route weights sum to 110, not 100 (v1=90, v2=20); Istio treats them as relative shares'],
    ]);
  });
});

describe('IST0149 routing on JWT claims through a gateway without RequestAuthentication (CI246)', () => {
  const VS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: api, namespace: shop }
spec:
  hosts: [api.example.com]
  gateways: [istio-system/edge]
  http:
  - match: [{ headers: { "@request.auth.claims.group": { exact: admin } } }]
    route: [{ destination: { host: api.shop.svc.cluster.local } }]`;
  const EDGE = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: edge, namespace: istio-system }
spec: { selector: { istio: ingressgateway }, servers: [{ port: { number: 8080, name: http, protocol: HTTP }, hosts: [shop/api.example.com] }] }`;
  const AUTHN = `apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: { name: edge, namespace: istio-system }
spec: { selector: { matchLabels: { istio: ingressgateway } }, jwtRules: [{ issuer: https://auth.example.com }] }`;

  test('the gateway pod needs a RequestAuthentication of its namespace or the root namespace', () => {
    const findings = analyzeYaml(VS, EDGE).filter(f => f.code === 'CI246');
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain("routes on the JWT claim '@request.auth.claims.group' through gateway istio-system/edge");
    expect(analyzeYaml(VS, EDGE, AUTHN).filter(f => f.code === 'CI246')).toEqual([]);
  });
});

describe('IST0165 a VirtualService bound to an internal, generated Gateway (CI249)', () => {
  test('the reference is reported and not looked up; a Gateway of the input is fine', () => {
    const vs = (gateway: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: web, namespace: shop }
spec: { hosts: [web.example.com], gateways: [${gateway}], http: [{ route: [{ destination: { host: web.shop.svc.cluster.local } }] }] }`;
    const findings = analyzeYaml(vs('shop/edge~istio-autogenerated-k8s-gateway~http'));
    // istiod's webhook also refuses the name from a user: only the VirtualServices it generates may use it
    expect(findings.map(f => f.code)).toEqual(['CI104', 'CI249']);
    expect(findings[0].message).toContain('invalid value for gateway name: "edge~istio-autogenerated-k8s-gateway~http"');
    expect(findings[1].message).toContain('attach an HTTPRoute to the Gateway instead');
  });
});

describe('IST0140 a gateway route bypassing the subsets of another VirtualService (CI254)', () => {
  const mesh = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: shop }
spec: { hosts: [reviews], http: [{ route: [{ destination: { host: reviews, subset: v1 }, weight: 90 }, { destination: { host: reviews, subset: v2 }, weight: 10 }] }] }`;
  const edge = (subset: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: edge, namespace: shop }
spec: { hosts: [reviews.example.com], gateways: [istio-system/edge], http: [{ route: [{ destination: { host: reviews${subset} } }] }] }`;

  test('the canary split does not apply to the gateway\'s requests; naming a subset there is explicit', () => {
    const findings = analyzeYaml(mesh, edge('')).filter(f => f.code === 'CI254');
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('VirtualService/shop/reviews');
    expect(analyzeYaml(mesh, edge(', subset: v1')).filter(f => f.code === 'CI254')).toEqual([]);
  });
});

describe('CI266 retries that cannot fit the route timeout', () => {
  test('2 attempts × 1s per try against a 0.5s timeout', () => {
    const findings = analyzeYaml(...GOOD.filter(d => !d.includes('kind: VirtualService')), reviewsRoute(`
  - route: [{ destination: { host: reviews, subset: v1 } }]
    timeout: 0.5s
    retries: { attempts: 2, perTryTimeout: 1s }`)).filter(f => f.code === 'CI266');
    expect(findings.map(f => f.message)).toEqual(['2 attempts × 1s per try need 2s, but the route times out after 0.5s: '
      + 'the timeout ends the request before the retries can run; raise the timeout, or lower attempts or perTryTimeout']);
  });

  test('tries that fit, in any unit, pass', () => {
    expect(codes(analyzeYaml(reviewsRoute(`
  - route: [{ destination: { host: reviews, subset: v1 } }]
    timeout: 1s
    retries: { attempts: 2, perTryTimeout: 500ms }`))).filter(c => c === 'CI266')).toEqual([]);
  });
});
