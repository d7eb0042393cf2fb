import { analyzeYaml, codes, gateway, GOOD, lineOf, REVIEWS_RULE, REVIEWS_SERVICE, REVIEWS_V1, REVIEWS_V2, reviewsRoute } from './helpers';

const WORKLOADS = [REVIEWS_SERVICE, REVIEWS_V1, REVIEWS_V2];

describe('analyzer checks', () => {
  test('the good baseline has no findings', () => {
    expect(analyzeYaml(...GOOD)).toEqual([]);
  });

  describe('CI101 schema', () => {
    test("flags the tutorial's weight indented under destination, at its line", () => {
      const docs = [...WORKLOADS, REVIEWS_RULE, reviewsRoute(`
  - route:
    - destination:
        host: reviews
        subset: v1
        weight: 90`)];
      const findings = analyzeYaml(...docs);
      const schema = findings.filter(f => f.code === 'CI101');
      expect(schema).toHaveLength(1);
      expect(schema[0]).toMatchObject({
        severity: 'error', object: 'VirtualService/default/reviews',
        message: "spec.http[0].route[0].destination.weight: unknown field 'weight' (kubectl rejects it)",
      });
      expect(schema[0].line).toBe(lineOf(docs, 'weight: 90'));
    });

    test('flags two fields of a oneOf set together', () => {
      const findings = analyzeYaml(reviewsRoute(`
  - match: [{ uri: { exact: /a, prefix: /b } }]
    route: [{ destination: { host: reviews } }]`));
      expect(findings.find(f => f.code === 'CI101')?.message).toBe('spec.http[0].match[0].uri: at most one of exact, prefix, regex may be set, got exact and prefix');
    });

    test('flags a wrong type, an unsupported enum value and a missing required field', () => {
      const findings = analyzeYaml(`
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews }
spec:
  host: reviews
  trafficPolicy: { tls: { mode: SECURE }, connectionPool: { tcp: { maxConnections: many } } }
  subsets: [{ labels: { version: v1 } }]`);
      expect(findings.filter(f => f.code === 'CI101').map(f => f.message).sort()).toEqual([
        'spec.subsets[0]: must have required property \'name\'',
        'spec.trafficPolicy.connectionPool.tcp.maxConnections: must be integer',
        'spec.trafficPolicy.tls.mode: unsupported value "SECURE" (allowed: DISABLE, SIMPLE, MUTUAL, ISTIO_MUTUAL)',
      ]);
    });
  });

  describe('CI102 CEL rules', () => {
    test('flags a timeout under 1ms with the rule\'s own message', () => {
      const findings = analyzeYaml(...GOOD.slice(0, 4), reviewsRoute(`
  - route: [{ destination: { host: reviews, subset: v1 } }]
    timeout: 0s`));
      expect(findings.map(f => [f.code, f.message])).toEqual([['CI102', 'spec.http[0].timeout: must be a valid duration greater than 1ms']]);
    });

    test('flags a workload selector together with targetRefs', () => {
      const findings = analyzeYaml(`
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: both }
spec:
  selector: { matchLabels: { app: reviews } }
  targetRefs: [{ kind: Service, group: '', name: reviews }]`);
      expect(codes(findings)).toEqual(['CI102']);
      expect(findings[0].message).toMatch(/only one of targetRefs or selector can be set/);
    });

    test('flags a ServiceEntry with CIDR addresses and DNS resolution', () => {
      const findings = analyzeYaml(`
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: ext }
spec:
  hosts: [api.example.com]
  addresses: [10.0.0.0/24]
  ports: [{ number: 443, name: tls, protocol: TLS }]
  resolution: DNS`);
      expect(codes(findings)).toEqual(['CI102']);
      expect(findings[0].message).toMatch(/CIDR addresses are allowed only for NONE\/STATIC resolution types/);
    });

    test('passes a valid ServiceEntry', () => {
      expect(analyzeYaml(`
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: ext }
spec:
  hosts: [api.example.com]
  ports: [{ number: 443, name: tls, protocol: TLS }]
  resolution: DNS`)).toEqual([]);
    });
  });

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

  describe('CI205 subset defined twice (KIA0201)', () => {
    test('flags both DestinationRules', () => {
      const findings = analyzeYaml(...GOOD, REVIEWS_RULE.replace('name: reviews }', 'name: reviews-copy }'));
      expect(codes(findings)).toEqual(['CI205', 'CI205', 'CI205', 'CI205']);
    });
  });

  describe('CI206 subset selects no workload (IST0173, KIA0203)', () => {
    test('flags a subset whose version has no Deployment', () => {
      const findings = analyzeYaml(REVIEWS_SERVICE, REVIEWS_V1, REVIEWS_RULE);
      expect(findings.map(f => [f.code, f.severity, f.message])).toEqual([
        ['CI206', 'warning', "subset 'v2' selects no workload of host 'reviews.default.svc.cluster.local' in the input (pods need app=reviews, version=v2)"],
      ]);
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
      expect(findings.map(f => [f.code, f.message])).toEqual([
        ['CI209', 'http[1].match[0] repeats http[0].match[0] and never applies'],
        ['CI208', 'http[3] is unreachable: http[2] matches every request'],
      ]);
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

  describe('CI211 port names (IST0118)', () => {
    test('flags a port named outside the <protocol>[-suffix] convention', () => {
      const findings = analyzeYaml(REVIEWS_SERVICE.replace('name: http', 'name: web'), REVIEWS_V1);
      expect(findings.map(f => [f.code, f.severity])).toEqual([['CI211', 'info']]);
    });

    test('passes http-suffixed names and appProtocol', () => {
      expect(analyzeYaml(REVIEWS_SERVICE.replace('name: http', 'name: http-api'), REVIEWS_V1)).toEqual([]);
      expect(analyzeYaml(REVIEWS_SERVICE.replace('name: http', 'name: web, appProtocol: http'), REVIEWS_V1)).toEqual([]);
    });
  });

  describe('CI212 both injection labels (IST0123)', () => {
    test('flags the namespace', () => {
      const findings = analyzeYaml(`
apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { istio-injection: enabled, istio.io/rev: canary } }`);
      expect(findings.map(f => [f.code, f.severity])).toEqual([['CI212', 'warning']]);
    });

    test('passes one label', () => {
      expect(analyzeYaml('apiVersion: v1\nkind: Namespace\nmetadata: { name: shop, labels: { istio-injection: enabled } }')).toEqual([]);
    });
  });

  describe('CI213 mTLS conflicts (IST0113)', () => {
    const strict = `
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: default, namespace: istio-system }
spec: { mtls: { mode: STRICT } }`;

    test('flags a DestinationRule that disables TLS towards STRICT workloads', () => {
      const plaintext = REVIEWS_RULE.replace('host: reviews', 'host: reviews\n  trafficPolicy: { tls: { mode: DISABLE } }');
      const findings = analyzeYaml(REVIEWS_SERVICE, REVIEWS_V1, REVIEWS_V2, plaintext, strict);
      expect(findings.map(f => [f.code, f.message])).toEqual([
        ['CI213', 'tls.mode DISABLE sends plaintext to workloads that require mTLS (PeerAuthentication/istio-system/default sets mtls.mode STRICT); requests fail'],
      ]);
    });

    test('passes ISTIO_MUTUAL towards STRICT workloads', () => {
      const mutual = REVIEWS_RULE.replace('host: reviews', 'host: reviews\n  trafficPolicy: { tls: { mode: ISTIO_MUTUAL } }');
      expect(analyzeYaml(REVIEWS_SERVICE, REVIEWS_V1, REVIEWS_V2, mutual, strict)).toEqual([]);
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

  describe('CI215 Telemetry without selector (IST0159, IST0160)', () => {
    const telemetry = (name: string) => `
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: { name: ${name}, namespace: shop }
spec: { accessLogging: [{ providers: [{ name: envoy }] }] }`;

    test('flags two selector-less Telemetry objects in one namespace', () => {
      expect(codes(analyzeYaml(telemetry('a'), telemetry('b')))).toEqual(['CI215', 'CI215']);
    });

    test('passes one', () => {
      expect(analyzeYaml(telemetry('a'))).toEqual([]);
    });
  });
});
