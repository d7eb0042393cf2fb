import { analyzeYaml, codes } from './helpers';

// Cases written for this project after the rules of istioctl's analyzers (Istio 1.30:
// virtualservice/destinationhosts.go, conflictingmeshgatewayhosts.go, util/service_lookup.go).

const SERVICE = (name: string, ns: string, extra = '', ports = '[{ port: 8080, name: http }]') => `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${ns}${extra} }
spec: { selector: { app: ${name} }, ports: ${ports} }`;

const VS = (name: string, ns: string, spec: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ${name}, namespace: ${ns} }
spec: ${spec}`;

const ROUTE_TO = (host: string, extra = '') => `{ hosts: [caller]${extra}, http: [{ route: [{ destination: { host: ${host} } }] }] }`;

describe('IST0101 destination hosts follow exportTo (CI201)', () => {
  test('a Service exported only to its own namespace is not visible from another', () => {
    const cart = SERVICE('cart', 'shop', ', annotations: { networking.istio.io/exportTo: "." }');
    const findings = analyzeYaml(cart, SERVICE('caller', 'web'), VS('caller', 'web', ROUTE_TO('cart.shop.svc.cluster.local')));
    // networking.istio.io/exportTo is an alpha-phase annotation: istioctl says so too (IST0136, CI261)
    expect(findings.map(f => [f.code, f.message])).toEqual([
      ['CI261', 'Annotation "networking.istio.io/exportTo" is part of an alpha-phase feature and may be incompletely supported.'],
      ['CI201', "destination host 'cart.shop.svc.cluster.local' (cart.shop.svc.cluster.local) is not defined by any Service or ServiceEntry visible in namespace web (it exists, but its exportTo hides it from this namespace)"],
    ]);
    // the same route from the Service's own namespace resolves
    expect(codes(analyzeYaml(cart, SERVICE('caller', 'shop'), VS('caller', 'shop', ROUTE_TO('cart'))))).toEqual(['CI261']);
  });

  test('a Service exported to the caller\'s namespace by name is visible', () => {
    const cart = SERVICE('cart', 'shop', ', annotations: { networking.istio.io/exportTo: "web" }');
    expect(codes(analyzeYaml(cart, SERVICE('caller', 'web'), VS('caller', 'web', ROUTE_TO('cart.shop.svc.cluster.local'))))).toEqual(['CI261']);
  });

  test('a ServiceEntry exported to "." is visible only in its namespace; a wildcard host matches', () => {
    const entry = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: payments, namespace: shop }
spec: { hosts: ["*.payments.example.com"], exportTo: ["."], location: MESH_EXTERNAL, resolution: NONE, ports: [{ number: 443, name: https, protocol: HTTPS }] }`;
    const from = (ns: string) => analyzeYaml(entry, SERVICE('caller', ns), VS('caller', ns, ROUTE_TO('api.payments.example.com')));
    expect(codes(from('shop'))).toEqual([]);
    expect(codes(from('web'))).toEqual(['CI201']);
  });

  test('a port the Service does not serve is IST0101 for host:port; a mirror host is checked like a route\'s', () => {
    const findings = analyzeYaml(SERVICE('cart', 'shop'), VS('cart', 'shop', '{ hosts: [cart], http: [{ route: [{ destination: { host: cart, port: { number: 9999 } } }], mirror: { host: nowhere } }] }'));
    expect(findings.map(f => [f.code, f.message])).toEqual([
      ['CI201', "destination 'cart:9999' names a port Service shop/cart does not serve (ports: 8080)"],
      ['CI201', "destination host 'nowhere' (nowhere.shop.svc.cluster.local) is not defined by any Service or ServiceEntry visible in namespace shop"],
    ]);
  });
});

describe('IST0112 a multi-port destination without a port, on every VirtualService (CI210)', () => {
  test('flags a mesh route as well as a gateway route; naming the port passes', () => {
    const twoPorts = SERVICE('cart', 'shop', '', '[{ port: 8080, name: http }, { port: 9090, name: http-admin }]');
    expect(codes(analyzeYaml(twoPorts, VS('cart', 'shop', '{ hosts: [cart], http: [{ route: [{ destination: { host: cart } }] }] }')))).toEqual(['CI210']);
    expect(codes(analyzeYaml(twoPorts, VS('cart', 'shop', '{ hosts: [cart], http: [{ route: [{ destination: { host: cart, port: { number: 8080 } } }] }] }')))).toEqual([]);
  });
});

describe('IST0109 conflicting mesh VirtualServices follow exportTo (CI204)', () => {
  const routeCart = (name: string, ns: string, exportTo?: string) =>
    VS(name, ns, `{ hosts: [cart.shop.svc.cluster.local]${exportTo ? `, exportTo: ${exportTo}` : ''}, http: [{ route: [{ destination: { host: cart.shop.svc.cluster.local } }] }] }`);

  test('two VirtualServices exported to all namespaces conflict', () => {
    // istioctl reports each VirtualService of the group
    expect(codes(analyzeYaml(SERVICE('cart', 'shop'), routeCart('a', 'shop'), routeCart('b', 'web')))).toEqual(['CI204', 'CI204']);
  });

  test('each exported only to its own namespace: no conflict', () => {
    expect(codes(analyzeYaml(SERVICE('cart', 'shop'), routeCart('a', 'shop', '["."]'), routeCart('b', 'web', '["."]')))).toEqual([]);
  });

  test('both exported to the same namespace by name: a conflict for that namespace', () => {
    const findings = analyzeYaml(SERVICE('cart', 'shop'), routeCart('a', 'shop', '[web]'), routeCart('b', 'web', '["."]'));
    expect(findings.map(f => f.message)).toEqual([
      expect.stringMatching(/^host 'cart.shop.svc.cluster.local' on the mesh for namespace web is also routed by VirtualService\/web\/b/),
      expect.stringMatching(/^host 'cart.shop.svc.cluster.local' on the mesh for namespace web is also routed by VirtualService\/shop\/a/),
    ]);
  });

  test('one exported to its namespace, one exported everywhere: they meet in that namespace', () => {
    expect(codes(analyzeYaml(SERVICE('cart', 'shop'), routeCart('a', 'shop', '["."]'), routeCart('b', 'web')))).toEqual(['CI204', 'CI204']);
  });

  test('VirtualServices bound to one gateway are merged by the gateway: no conflict', () => {
    const gw = (name: string) => VS(name, 'shop', '{ hosts: [shop.example.com], gateways: [istio-system/edge], http: [{ route: [{ destination: { host: cart } }] }] }');
    expect(codes(analyzeYaml(SERVICE('cart', 'shop'), gw('a'), gw('b')))).toEqual([]);
  });
});

describe('IST0118 port names (CI211) skip system namespaces; ExternalName Services are IST0150\'s (CI247)', () => {
  test.each(['kube-system', 'kube-public', 'istio-system'])('not in %s', ns => {
    expect(codes(analyzeYaml(SERVICE('dns', ns, '', '[{ port: 53, name: dns }]')))).toEqual([]);
  });

  test('an ExternalName Service gets IST0150 (CI247) instead, for plain tcp too; an application Service IST0118', () => {
    const external = (ports: string) => `apiVersion: v1
kind: Service
metadata: { name: db, namespace: shop }
spec: { type: ExternalName, externalName: db.example.com, ports: ${ports} }`;
    expect(codes(analyzeYaml(external('[{ port: 5432, name: pg }]')))).toEqual(['CI247']);
    expect(codes(analyzeYaml(external('[{ port: 5432, name: tcp }]')))).toEqual(['CI247']);
    expect(codes(analyzeYaml(external('[{ port: 5432, name: tcp-pg }]')))).toEqual([]);
    expect(codes(analyzeYaml(SERVICE('cart', 'shop', '', '[{ port: 8080, name: web }]')))).toEqual(['CI211']);
  });
});

describe('IST0123 more than one way into the mesh (CI212), as istioctl 1.30 counts them', () => {
  const ns = (labels: string) => `apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { ${labels} } }`;
  test.each([
    ['istio-injection: enabled, istio.io/rev: canary', ['CI212']],
    ['istio-injection: enabled, istio.io/dataplane-mode: ambient', ['CI212']],
    ['istio.io/rev: canary, istio.io/dataplane-mode: ambient', ['CI212']],
    ['istio-injection: disabled, istio.io/dataplane-mode: ambient', []],
    ['istio-injection: disabled, istio.io/rev: canary', []],
    ['istio.io/dataplane-mode: ambient', []],
  ])('%s', (labels, expected) => {
    expect(codes(analyzeYaml(ns(labels)))).toEqual(expected);
  });
});

describe('IST0132 a gateway that serves none of the VirtualService\'s hosts (CI207)', () => {
  const GW = (hosts: string) => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: edge, namespace: shop }
spec: { selector: { istio: ingressgateway }, servers: [{ port: { number: 80, name: http, protocol: HTTP }, hosts: ${hosts} }] }`;
  const ROUTE = (hosts: string, ns = 'shop', gateway = 'shop/edge') => VS('web', ns, `{ hosts: ${hosts}, gateways: [${gateway}], http: [{ route: [{ destination: { host: web.shop.svc.cluster.local } }] }] }`);

  test.each([
    ['one host served among several is enough', '["*.example.com"]', '[shop.example.com, other.org]', 'shop', []],
    ['./host serves the Gateway\'s own namespace', '["./shop.example.com"]', '[shop.example.com]', 'shop', []],
    ['./host does not serve another namespace', '["./shop.example.com"]', '[shop.example.com]', 'web', ['CI207']],
    ['ns/host serves that namespace', '["web/shop.example.com"]', '[shop.example.com]', 'web', []],
    ['*/host serves every namespace', '["*/shop.example.com"]', '[shop.example.com]', 'web', []],
    ['no host matches', '["shop.example.com"]', '[blog.example.com]', 'shop', ['CI207']],
  ])('%s', (_, gatewayHosts, vsHosts, ns, expected) => {
    const findings = analyzeYaml(SERVICE('web', 'shop'), GW(gatewayHosts), ROUTE(vsHosts, ns));
    expect(codes(findings).filter(c => c === 'CI207')).toEqual(expected);
  });
});

describe('IST0173 subsets select pods with the locality labels of their Node (CI206)', () => {
  const RULE = (labels: string) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: web, namespace: shop }
spec: { host: web, subsets: [{ name: west, labels: { ${labels} } }] }`;
  const POD = `apiVersion: v1
kind: Pod
metadata: { name: web-1, namespace: shop, labels: { app: web } }
spec: { nodeName: node-a, containers: [{ name: web, image: web }] }`;
  const NODE = (region: string) => `apiVersion: v1
kind: Node
metadata: { name: node-a, labels: { topology.kubernetes.io/region: "${region}" } }`;

  test('a pod on a Node in us-west-1 is selected by a region subset', () => {
    expect(codes(analyzeYaml(SERVICE('web', 'shop'), POD, NODE('us-west-1'), RULE('topology.kubernetes.io/region: us-west-1')))).toEqual([]);
  });

  test('an empty region on the Node is no locality; a Node elsewhere selects nothing', () => {
    expect(codes(analyzeYaml(SERVICE('web', 'shop'), POD, NODE(''), RULE('topology.kubernetes.io/region: ""')))).toEqual(['CI206']);
    expect(codes(analyzeYaml(SERVICE('web', 'shop'), POD, NODE('eu-central-1'), RULE('topology.kubernetes.io/region: us-west-1')))).toEqual(['CI206']);
  });
});

describe('IST0159 a workload selected by several Telemetry objects (CI221)', () => {
  const TELEMETRY = (name: string, labels: string) => `apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: { name: ${name}, namespace: shop }
spec: { selector: { matchLabels: { ${labels} } }, accessLogging: [{ providers: [{ name: envoy }] }] }`;
  const POD = `apiVersion: v1
kind: Pod
metadata: { name: web-1, namespace: shop, labels: { app: web, version: v1 } }
spec: { containers: [{ name: web, image: web }] }`;

  test('two selectors that both match one pod: each Telemetry reported once', () => {
    const findings = analyzeYaml(POD, TELEMETRY('by-app', 'app: web'), TELEMETRY('by-version', 'version: v1'));
    expect(findings.map(f => [f.code, f.object])).toEqual([['CI221', 'Telemetry/shop/by-app'], ['CI221', 'Telemetry/shop/by-version']]);
  });

  test('selectors that match different pods do not conflict', () => {
    expect(codes(analyzeYaml(POD, TELEMETRY('by-app', 'app: web'), TELEMETRY('other', 'app: cart')))).toEqual([]);
  });
});

describe('IST0102, IST0148, IST0103: namespaces and pods outside injection (CI250, CI252, CI251)', () => {
  const ns = (labels: string) => `apiVersion: v1
kind: Namespace
metadata: { name: shop${labels ? `, labels: { ${labels} }` : ''} }`;
  const pod = (containers: string, extra = '') => `apiVersion: v1
kind: Pod
metadata: { name: web-1, namespace: shop${extra} }
spec: { containers: ${containers} }`;

  test('a namespace with no injection label is an info; labelled, ambient or istio-system it is not', () => {
    expect(codes(analyzeYaml(ns('')))).toEqual(['CI250']);
    for (const labels of ['istio-injection: disabled', 'istio.io/rev: stable', 'istio.io/dataplane-mode: ambient']) {
      expect(codes(analyzeYaml(ns(labels)))).toEqual([]);
    }
  });

  test('an injector that injects by default turns it into IST0148', () => {
    const injector = `apiVersion: v1
kind: ConfigMap
metadata: { name: istio-sidecar-injector, namespace: istio-system }
data: { values: '{"sidecarInjectorWebhook": {"enableNamespacesByDefault": true}}' }`;
    expect(codes(analyzeYaml(ns(''), injector))).toEqual(['CI252']);
  });

  test('a pod of an injected namespace without the proxy; with it, opted out, or on the host network it is fine', () => {
    const injected = ns('istio-injection: enabled');
    expect(codes(analyzeYaml(injected, pod('[{ name: web, image: web }]')))).toEqual(['CI251']);
    expect(codes(analyzeYaml(injected, pod('[{ name: web, image: web }, { name: istio-proxy, image: proxyv2 }]')))).toEqual([]);
    expect(codes(analyzeYaml(injected, pod('[{ name: web, image: web }]', ', labels: { sidecar.istio.io/inject: "false" }')))).toEqual([]);
  });
});

describe('IST0002 deprecated and ignored fields, removed kinds (CI253)', () => {
  test('fault.delay.percent; percentage is its replacement', () => {
    const vs = (delay: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ratings }
spec: { hosts: [ratings], http: [{ fault: { delay: { fixedDelay: 2s, ${delay} } }, route: [{ destination: { host: ratings } }] }] }`;
    const service = 'apiVersion: v1\nkind: Service\nmetadata: { name: ratings }\nspec: { selector: { app: ratings }, ports: [{ port: 9080, name: http }] }';
    const findings = analyzeYaml(vs('percent: 50'), service);
    expect(codes(findings)).toEqual(['CI253']);
    expect(findings[0].message).toBe('HTTPRoute.fault.delay.percent is deprecated; use HTTPRoute.fault.delay.percentage');
    expect(codes(analyzeYaml(vs('percentage: { value: 50 }'), service))).toEqual([]);
  });

  test('a CustomResourceDefinition of a removed rbac.istio.io kind', () => {
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: serviceroles.rbac.istio.io }
spec: { group: rbac.istio.io, names: { kind: ServiceRole, plural: serviceroles }, scope: Namespaced, versions: [] }`;
    expect(codes(analyzeYaml(crd))).toContain('CI253');
  });
});
