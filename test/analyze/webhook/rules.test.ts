import { analyzeYaml } from '../helpers';

// One failing input per remaining rule of the webhook layer (the paired cases are in webhook.test.ts),
// each written for this project after istiod's validation (Istio 1.30). Every input is one the CRD's
// schema and CEL rules accept, so the rule is what refuses it (CI104) or warns about it (CI105).

// One failing input per remaining rule of the webhook layer (the paired cases are in webhook.test.ts),
// each written for this project after istiod's validation (Istio 1.30). Every input is one the CRD's
// schema and CEL rules accept, so the rule is what refuses it (CI104) or warns about it (CI105).

const VS = (http: string, extra = '') => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ratings, namespace: shop }
spec: { hosts: [ratings]${extra}, http: [${http}] }`;

const DELEGATE = (spec: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ratings-delegate, namespace: shop }
spec: { ${spec} }`;

const DR = (policy: string) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: ratings, namespace: shop }
spec: { host: ratings, trafficPolicy: { ${policy} } }`;

const GATEWAY = (servers: string) => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: web, namespace: shop }
spec: { selector: { istio: ingressgateway }, servers: ${servers} }`;

const SIDECAR = (spec: string) => `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: web, namespace: shop }
spec: { ${spec} }`;

const SE = (spec: string) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: api, namespace: shop }
spec: { hosts: [api.example.com], location: MESH_EXTERNAL, resolution: DNS, ports: [{ number: 443, name: https, protocol: HTTPS }], ${spec} }`;

const AUTHZ = (spec: string) => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: web, namespace: shop }
spec: { selector: { matchLabels: { app: web } }, ${spec} }`;

const ENVOY_FILTER = (patch: string) => `apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: { name: lua, namespace: shop }
spec: { workloadSelector: { labels: { app: web } }, priority: 1, configPatches: [${patch}] }`;

const DEST = 'route: [{ destination: { host: ratings } }]';

const HTTP_SERVER = (extra: string) => `[{ port: { number: 80, name: http, protocol: HTTP${extra} }, hosts: ["*"] }]`;

const LUA = 'value: { name: envoy.lua }';

const CASES: Array<[string, string, 'CI104' | 'CI105', RegExp]> = [
  // VirtualService
  ['fault and redirect together', VS('{ fault: { abort: { httpStatus: 500 } }, redirect: { uri: /v2 } }'), 'CI104', /cannot contain both fault and redirect/],
  ['rewrite and direct response together', VS('{ rewrite: { uri: /v2 }, directResponse: { status: 503 } }'), 'CI104', /cannot contain both rewrite and direct_response/],
  ['redirect and direct response together', VS('{ redirect: { uri: /v2 }, directResponse: { status: 503 } }'), 'CI104', /cannot contain both direct_response and redirect/],
  ['an HTTP/2 abort', VS(`{ fault: { abort: { http2Error: REFUSED_STREAM } }, ${DEST} }`), 'CI104', /HTTP\/2 abort fault injection not supported yet/],
  ['an exponential delay', VS(`{ fault: { delay: { exponentialDelay: 1s } }, ${DEST} }`), 'CI104', /exponentialDelay not supported yet/],
  ['a deprecated mirrorPercent', VS(`{ mirror: { host: ratings }, mirrorPercent: 5, ${DEST} }`), 'CI105', /using deprecated setting "mirrorPercent"/],
  ['the wildcard host on the mesh', VS(`{ ${DEST} }`).replace('hosts: [ratings]', 'hosts: ["*"]'), 'CI104', /wildcard host \* is not allowed/],
  ['a VirtualService with no routes', `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ratings, namespace: shop }
spec: { hosts: [ratings] }`, 'CI104', /http, tcp or tls must be provided in virtual service/],
  ['a delegate with gateways', DELEGATE(`gateways: [edge], http: [{ ${DEST} }]`), 'CI104', /delegate virtual service must have no gateways specified/],
  ['a delegate with tcp routes', DELEGATE(`tcp: [{ ${DEST} }]`), 'CI104', /delegate virtual service must have no tcp route specified/],
  ['a delegate with tls routes', DELEGATE(`tls: [{ match: [{ sniHosts: [a.example.com] }], ${DEST} }]`), 'CI104', /delegate virtual service must have no tls route specified/],
  ['a delegate delegating again', DELEGATE('http: [{ delegate: { name: other } }]'), 'CI104', /delegate HTTP route cannot contain delegate/],
  ['a redirect to another scheme', VS('{ redirect: { uri: /v2, scheme: ftp } }'), 'CI104', /invalid redirect scheme, must be "http" or "https"/],
  ['a rewrite of both URI and regex', VS(`{ rewrite: { uri: /v2, uriRegexRewrite: { match: "^/v1", rewrite: /v2 } }, ${DEST} }`), 'CI104', /rewrite may only contain one of URI or UriRegexRewrite/],
  ['a CORS header name that is empty', VS(`{ corsPolicy: { allowOrigins: [{ exact: "https://a.example.com" }], allowHeaders: [""] }, ${DEST} }`), 'CI104', /header name cannot be empty/],
  ['exportTo with an invalid namespace', VS(`{ ${DEST} }`, ', exportTo: ["shop_ns"]'), 'CI104', /only .,\*, or a valid DNS 1123 label is allowed as exportTo entry/],
  // DestinationRule
  ['local origin failures without splitting them', DR('outlierDetection: { consecutiveLocalOriginFailures: 3 }'), 'CI104', /split external local origin errors is set to false/],
  ['the deprecated consecutiveErrors', DR('outlierDetection: { consecutiveErrors: 5 }'), 'CI105', /outlier detection consecutive errors is deprecated/],
  ['a port-level setting without port', DR('portLevelSettings: [{ loadBalancer: { simple: ROUND_ROBIN } }]'), 'CI104', /portTrafficPolicy must have valid port/],
  // Gateway
  ['a gateway without servers', `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: web, namespace: shop }
spec: { selector: { istio: ingressgateway }, servers: [] }`, 'CI104', /gateway must have at least one server/],
  ['a server without hosts', GATEWAY('[{ port: { number: 80, name: http, protocol: HTTP }, hosts: [] }]'), 'CI104', /server config must contain at least one host/],
  ['a server targetPort', GATEWAY(HTTP_SERVER(', targetPort: 8080')), 'CI104', /targetPort has no impact on Gateways/],
  ['an HTTPS redirect on a TCP server', GATEWAY('[{ port: { number: 31400, name: tcp, protocol: TCP }, hosts: ["*"], tls: { httpsRedirect: true } }]'), 'CI105', /tls.httpsRedirect should only be used with http servers/],
  ['two certificate sources', GATEWAY('[{ port: { number: 443, name: https, protocol: HTTPS }, hosts: ["*"], tls: { mode: SIMPLE, credentialName: web-cert, serverCertificate: /c.pem, privateKey: /k.pem } }]'), 'CI104', /only one of credential_name, credential_names, server_certificate\/private_key, tls_certificates should be specified/],
  ['a server host with an empty namespace', GATEWAY('[{ port: { number: 80, name: http, protocol: HTTP }, hosts: ["/web.example.com"] }]'), 'CI104', /config namespace and dnsName in host entry cannot be empty/],
  // Sidecar
  ['an ingress targetPort', SIDECAR('ingress: [{ port: { number: 9080, name: http, protocol: HTTP, targetPort: 8080 }, defaultEndpoint: "127.0.0.1:8080" }]'), 'CI104', /targetPort has no impact on Sidecars/],
  ['two catch-all egress listeners', SIDECAR('egress: [{ hosts: ["./*"] }, { hosts: ["istio-system/*"] }]'), 'CI104', /sidecar: egress can have only one listener with empty port/],
  ['an egress listener without hosts', SIDECAR('egress: [{ port: { number: 9080, name: http, protocol: HTTP }, hosts: [] }]'), 'CI104', /sidecar: egress listener must contain at least one host/],
  ['an egress port 0 without a unix socket', SIDECAR('egress: [{ port: { number: 0, name: http, protocol: HTTP }, hosts: ["./*"] }]'), 'CI104', /sidecar: ports with 0 value must have a unix domain socket bind address/],
  // ServiceEntry
  ['exported to no one and someone', SE('exportTo: ["~", "."]'), 'CI104', /cannot export service entry to no one \(~\) and someone/],
  // AuthorizationPolicy
  ['a source list with an empty value', AUTHZ('rules: [{ from: [{ source: { principals: [""] } }] }]'), 'CI104', /empty value not allowed, found in principals/],
  ['a trust domain with two wildcards', AUTHZ('rules: [{ from: [{ source: { trustDomains: ["*.example.*"] } }] }]'), 'CI104', /at most one wildcard is allowed/],
  ['a trust domain with a wildcard inside', AUTHZ('rules: [{ from: [{ source: { trustDomains: ["a*b.example.com"] } }] }]'), 'CI104', /wildcard is only allowed at the start or end/],
  ['a service account with a wildcard', AUTHZ('rules: [{ from: [{ source: { serviceAccounts: ["shop/*"] } }] }]'), 'CI104', /wildcard not allowed/],
  ['more than 16 service accounts in a condition', AUTHZ(`rules: [{ when: [{ key: source.serviceAccount, values: [${Array.from({ length: 17 }, (_, i) => `sa${i}`).join(', ')}] }] }]`), 'CI104', /may not have more than 16 values/],
  ['a condition without values', AUTHZ('rules: [{ when: [{ key: source.namespace }] }]'), 'CI104', /at least one of `values` or `notValues` must be set for key source.namespace/],
  ['a condition with an empty value', AUTHZ('rules: [{ when: [{ key: source.namespace, values: [""] }] }]'), 'CI104', /invalid value for key source.namespace: empty value not allowed/],
  ['a DENY rule on HTTP attributes alone', AUTHZ('action: DENY, rules: [{ to: [{ operation: { methods: [POST] } }] }]'), 'CI105', /will deny all traffic to TCP ports under its scope/],
  // PeerAuthentication
  // EnvoyFilter
  ['a patch without applyTo', ENVOY_FILTER(`{ patch: { operation: INSERT_FIRST, ${LUA} } }`), 'CI104', /Envoy filter: missing applyTo/],
  ['a patch without operation', ENVOY_FILTER(`{ applyTo: HTTP_FILTER, patch: { ${LUA} } }`), 'CI104', /Envoy filter: missing patch operation/],
  ['a listener patch matching a cluster', ENVOY_FILTER(`{ applyTo: HTTP_FILTER, match: { cluster: { service: a.example.com } }, patch: { operation: INSERT_FIRST, ${LUA} } }`), 'CI104', /applyTo for listener class objects cannot have non listener match/],
  ['a route patch matching a listener', ENVOY_FILTER('{ applyTo: HTTP_ROUTE, match: { listener: { portNumber: 80 } }, patch: { operation: MERGE, value: { timeout: 1s } } }'), 'CI104', /applyTo for http route class objects cannot have non route configuration match/],
  ['a filter match on a listener patch', ENVOY_FILTER(`{ applyTo: LISTENER, match: { listener: { filterChain: { filter: { name: envoy.filters.network.tcp_proxy } } } }, patch: { operation: MERGE, ${LUA} } }`), 'CI105', /filter match has no effect when used with LISTENER/],
  ['a subfilter match on a network filter patch', ENVOY_FILTER(`{ applyTo: NETWORK_FILTER, match: { listener: { filterChain: { filter: { name: envoy.filters.network.http_connection_manager, subFilter: { name: envoy.filters.http.router } } } } }, patch: { operation: MERGE, ${LUA} } }`), 'CI104', /subfilter match can be used with applyTo HTTP_FILTER only/],
  ['a filter match without name', ENVOY_FILTER(`{ applyTo: HTTP_FILTER, match: { listener: { filterChain: { filter: { subFilter: { name: envoy.filters.http.router } } } } }, patch: { operation: INSERT_BEFORE, ${LUA} } }`), 'CI104', /Envoy filter: filter match has no name to match on/],
  ['a subfilter match without name', ENVOY_FILTER(`{ applyTo: HTTP_FILTER, match: { listener: { filterChain: { filter: { name: envoy.filters.network.http_connection_manager, subFilter: {} } } } }, patch: { operation: INSERT_BEFORE, ${LUA} } }`), 'CI104', /Envoy filter: subfilter match has no name to match on/],
  ['a destination subset that is empty', VS('{ route: [{ destination: { host: ratings, subset: "" } }] }'), 'CI104', /subset name cannot be empty/],
];

describe("istiod's validating webhook: one failing input per rule", () => {
  test.each(CASES)('%s', (_name, yaml, code, message) => {
    const findings = analyzeYaml(yaml);
    expect(findings.filter(f => f.code === 'CI101' || f.code === 'CI102').map(f => f.message)).toEqual([]);
    expect(findings.filter(f => f.code === code).map(f => f.message)).toContainEqual(expect.stringMatching(message));
  });
});
