import { analyzeYaml } from '../helpers';

// Bad/good pairs written for this project after istiod's validating webhook (Istio 1.30,
// pkg/config/validation/validation.go and virtualservice.go): each bad object is refused at
// `kubectl apply` although its CRD schema and CEL rules accept it; its fixed twin analyzes clean.

// Bad/good pairs written for this project after istiod's validating webhook (Istio 1.30,
// pkg/config/validation/validation.go and virtualservice.go): each bad object is refused at
// `kubectl apply` although its CRD schema and CEL rules accept it; its fixed twin analyzes clean.

const VS = (http: string, extra = '') => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ratings, namespace: shop }
spec: { hosts: [ratings]${extra}, http: [${http}] }`;

const SERVICE = `apiVersion: v1
kind: Service
metadata: { name: ratings, namespace: shop }
spec: { selector: { app: ratings }, ports: [{ port: 9080, name: http }] }`;

const DR = (spec: string) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: ratings, namespace: shop }
spec: { host: ratings, ${spec} }`;

const GATEWAY = (servers: string) => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: web, namespace: shop }
spec: { selector: { istio: ingressgateway }, servers: ${servers} }`;

const AUTHZ = (spec: string) => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: web, namespace: shop }
spec: { selector: { matchLabels: { app: web } }, ${spec} }`;

const REQAUTH = (rule: string) => `apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: { name: web, namespace: shop }
spec: { selector: { matchLabels: { app: web } }, jwtRules: [${rule}] }`;

const SE = (spec: string) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: api, namespace: shop }
spec: { hosts: [api.example.com], location: MESH_EXTERNAL, resolution: DNS, ${spec} }`;

const SIDECAR_CR = (spec: string) => `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: web, namespace: shop }
spec: { ${spec} }`;

const TELEMETRY = (spec: string) => `apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: { name: mesh, namespace: istio-system }
spec: { ${spec} }`;

const WORKLOAD_ENTRY = (spec: string) => `apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: { name: vm, namespace: shop }
spec: { ${spec} }`;

const ENVOY_FILTER = (patch: string) => `apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: { name: lua, namespace: shop }
spec: { workloadSelector: { labels: { app: web } }, priority: 1, configPatches: [${patch}] }`;

const ROUTE = '{ route: [{ destination: { host: ratings } }] }';

const withRoute = (fields: string) => `{ ${fields}, route: [{ destination: { host: ratings } }] }`;

/** The webhook's messages for the object, or [] when it accepts it (schema errors fail the test). */
function webhook(...docs: string[]): string[] {
  const findings = analyzeYaml(...docs);
  expect(findings.filter(f => f.code === 'CI101' || f.code === 'CI102')).toEqual([]);
  return findings.filter(f => f.code === 'CI104').map(f => f.message);
}

const PAIRS: Array<[string, string, string, RegExp]> = [
  ['fault percentage above 100', VS(withRoute('fault: { delay: { fixedDelay: 2s, percentage: { value: 250 } } }')),
    VS(withRoute('fault: { delay: { fixedDelay: 2s, percentage: { value: 100 } } }')), /percentage 250 is neither 0.0, nor in range \[0.0001, 100.0\]/],
  ['fault percentage below 0.0001', VS(withRoute('fault: { abort: { httpStatus: 500, percentage: { value: 0.00001 } } }')),
    VS(withRoute('fault: { abort: { httpStatus: 500, percentage: { value: 0.001 } } }')), /neither 0.0, nor in range/],
  ['abort status outside 200-599', VS(withRoute('fault: { abort: { httpStatus: 100 } }')),
    VS(withRoute('fault: { abort: { httpStatus: 503 } }')), /HTTP status 100 is not in range 200-599/],
  ['a fault with neither abort nor delay', VS(withRoute('fault: {}')), VS(ROUTE), /must have an abort and\/or a delay/],
  ['an unknown gRPC status', VS(withRoute('fault: { abort: { grpcStatus: GONE } }')),
    VS(withRoute('fault: { abort: { grpcStatus: UNAVAILABLE } }')), /gRPC status "GONE" is not supported/],
  ['a timeout below millisecond precision', VS(withRoute('timeout: 0.5005s')), VS(withRoute('timeout: 0.5s')),
    /only durations to ms precision are supported/],
  ['negative retry attempts', VS(withRoute('retries: { attempts: -1 }')), VS(withRoute('retries: { attempts: 3 }')),
    /attempts cannot be negative/],
  ['retry settings with retries disabled', VS(withRoute('retries: { attempts: 0, perTryTimeout: 1s }')),
    VS(withRoute('retries: { attempts: 2, perTryTimeout: 1s }')), /configured when attempts are set to 0/],
  ['an unknown retryOn policy', VS(withRoute('retries: { attempts: 2, retryOn: "5xx,teapot" }')),
    VS(withRoute('retries: { attempts: 2, retryOn: "5xx,503" }')), /"teapot" is not a valid retryOn policy/],
  ['route and redirect together', VS(withRoute('redirect: { uri: /v2 }')), VS('{ redirect: { uri: /v2 } }'),
    /cannot contain both route and redirect/],
  ['a route rule with nothing to do', VS('{ name: empty }'), VS(ROUTE), /HTTP route, redirect or direct_response is required/],
  ['mirror and mirrors together', VS(withRoute('mirror: { host: ratings }, mirrors: [{ destination: { host: ratings } }]')),
    VS(withRoute('mirrors: [{ destination: { host: ratings } }]')), /cannot contain both mirror and mirrors/],
  ['mirror percentage above 100', VS(withRoute('mirror: { host: ratings }, mirrorPercentage: { value: 150 }')),
    VS(withRoute('mirror: { host: ratings }, mirrorPercentage: { value: 15 }')), /mirror_percentage must have a max value of 100/],
  ['weights all zero', VS('{ route: [{ destination: { host: ratings }, weight: 0 }, { destination: { host: ratings }, weight: 0 }] }'),
    VS('{ route: [{ destination: { host: ratings }, weight: 90 }, { destination: { host: ratings }, weight: 10 }] }'), /total destination weight = 0/],
  ['a subset name that is not a DNS-1123 label', VS('{ route: [{ destination: { host: ratings, subset: v_1 } }] }'),
    VS('{ route: [{ destination: { host: ratings, subset: v1 } }] }') + `\n---\n${DR('subsets: [{ name: v1, labels: { version: v1 } }]')}`, /subset name is invalid: v_1/],
  ['a destination port outside 1..65535', VS('{ route: [{ destination: { host: ratings, port: { number: 0 } } }] }'),
    VS('{ route: [{ destination: { host: ratings, port: { number: 9080 } } }] }'), /port number 0 must be in the range 1..65535/],
  ['the wildcard host on the mesh', VS(ROUTE).replace('hosts: [ratings]', 'hosts: ["*"]'), VS(ROUTE),
    /wildcard host \* is not allowed for virtual services bound to the mesh gateway/],
  ['a host listed twice', VS(ROUTE).replace('hosts: [ratings]', 'hosts: [ratings, ratings]'), VS(ROUTE), /duplicate hosts in virtual service/],
  ['duplicate subset names', DR('subsets: [{ name: v1, labels: { version: v1 } }, { name: v1, labels: { version: v2 } }]'),
    DR('subsets: [{ name: v1, labels: { version: v1 } }, { name: v2, labels: { version: v2 } }]'), /duplicate subset names: v1/],
  ['maxEjectionPercent above 100', DR('trafficPolicy: { outlierDetection: { maxEjectionPercent: 150 } }'),
    DR('trafficPolicy: { outlierDetection: { maxEjectionPercent: 50 } }'), /percentage 150 is not in range 0..100/],
  ['local origin failures without splitting', DR('trafficPolicy: { outlierDetection: { consecutiveLocalOriginFailures: 5 } }'),
    DR('trafficPolicy: { outlierDetection: { consecutiveLocalOriginFailures: 5, splitExternalLocalOriginErrors: true } }'), /split external local origin errors is set to false/],
  ['an empty port-level policy', DR('trafficPolicy: { portLevelSettings: [{ port: { number: 9080 } }] }'),
    DR('trafficPolicy: { portLevelSettings: [{ port: { number: 9080 }, loadBalancer: { simple: LEAST_REQUEST } }] }'), /port traffic policy must have at least one field/],
  ['a gateway port of 0', GATEWAY('[{ port: { number: 0, name: http, protocol: HTTP }, hosts: ["*"] }]'),
    GATEWAY('[{ port: { number: 80, name: http, protocol: HTTP }, hosts: ["*"] }]'), /port number 0 must be in the range 1..65535/],
  ['a gateway port of 65536', GATEWAY('[{ port: { number: 65536, name: http, protocol: HTTP }, hosts: ["*"] }]'),
    GATEWAY('[{ port: { number: 80, name: http, protocol: HTTP }, hosts: ["*"] }]'), /port number 65536 must be in the range 1..65535/],
  ['duplicate server port names', GATEWAY('[{ port: { number: 80, name: web, protocol: HTTP }, hosts: [a.example.com] }, { port: { number: 8080, name: web, protocol: HTTP }, hosts: [b.example.com] }]'),
    GATEWAY('[{ port: { number: 80, name: web, protocol: HTTP }, hosts: [a.example.com] }, { port: { number: 8080, name: web-alt, protocol: HTTP }, hosts: [b.example.com] }]'), /port names in servers must be unique: duplicate name web/],
  ['an unknown server protocol', GATEWAY('[{ port: { number: 80, name: http, protocol: HTTP3 }, hosts: ["*"] }]'),
    GATEWAY('[{ port: { number: 80, name: http, protocol: http2 }, hosts: ["*"] }]'), /invalid protocol "HTTP3"/],
  ['HTTPS without TLS settings', GATEWAY('[{ port: { number: 443, name: https, protocol: HTTPS }, hosts: ["*"] }]'),
    GATEWAY('[{ port: { number: 443, name: https, protocol: HTTPS }, hosts: ["*"], tls: { mode: SIMPLE, credentialName: web-cert } }]'), /server must have TLS settings for HTTPS\/TLS protocols/],
  ['SIMPLE TLS without a certificate', GATEWAY('[{ port: { number: 443, name: https, protocol: HTTPS }, hosts: ["*"], tls: { mode: SIMPLE, serverCertificate: /c.pem } }]'),
    GATEWAY('[{ port: { number: 443, name: https, protocol: HTTPS }, hosts: ["*"], tls: { mode: SIMPLE, serverCertificate: /c.pem, privateKey: /k.pem } }]'), /SIMPLE TLS requires a private key/],
  ['MUTUAL TLS from files without a CA bundle', GATEWAY('[{ port: { number: 443, name: https, protocol: HTTPS }, hosts: ["*"], tls: { mode: MUTUAL, serverCertificate: /c.pem, privateKey: /k.pem } }]'),
    GATEWAY('[{ port: { number: 443, name: https, protocol: HTTPS }, hosts: ["*"], tls: { mode: MUTUAL, serverCertificate: /c.pem, privateKey: /k.pem, caCertificates: /ca.pem } }]'), /MUTUAL TLS requires a client CA bundle/],
  ['TLS termination on a plain HTTP port', GATEWAY('[{ port: { number: 80, name: http, protocol: HTTP }, hosts: ["*"], tls: { mode: SIMPLE, credentialName: web-cert } }]'),
    GATEWAY('[{ port: { number: 80, name: http, protocol: HTTP }, hosts: ["*"], tls: { httpsRedirect: true } }]'), /server cannot have TLS settings for plain text HTTP ports/],
  ['ISTIO_MUTUAL with a credential', GATEWAY('[{ port: { number: 443, name: tls, protocol: TLS }, hosts: ["*"], tls: { mode: ISTIO_MUTUAL, credentialName: web-cert } }]'),
    GATEWAY('[{ port: { number: 443, name: tls, protocol: TLS }, hosts: ["*"], tls: { mode: ISTIO_MUTUAL } }]'), /ISTIO_MUTUAL TLS cannot have associated credentialName/],
  ['a portLevelMtls key that is no port', `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: db, namespace: shop }
spec: { selector: { matchLabels: { app: db } }, portLevelMtls: { "abc": { mode: DISABLE } } }`, `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: db, namespace: shop }
spec: { selector: { matchLabels: { app: db } }, portLevelMtls: { "5432": { mode: DISABLE } } }`, /port 'abc' is not a number/],
  ['an AuthorizationPolicy source that is empty', AUTHZ('rules: [{ from: [{ source: {} }] }]'),
    AUTHZ('rules: [{ from: [{ source: { namespaces: [shop] } }] }]'), /`from.source` must not be empty, found at rule 0/],
  ['a malformed service account', AUTHZ('rules: [{ from: [{ source: { serviceAccounts: [shop/web/x] } }] }]'),
    AUTHZ('rules: [{ from: [{ source: { serviceAccounts: [web] } }] }]'), /expected format 'serviceAccount' or 'namespace\/serviceAccount'/],
  ['a bad CIDR', AUTHZ('rules: [{ from: [{ source: { ipBlocks: [10.0.0.0/33] } }] }]'),
    AUTHZ('rules: [{ from: [{ source: { ipBlocks: [10.0.0.0/8] } }] }]'), /bad CIDR range \(10.0.0.0\/33\)/],
  ['a port that is no number', AUTHZ('rules: [{ to: [{ operation: { ports: [http] } }] }]'),
    AUTHZ('rules: [{ to: [{ operation: { ports: ["9080"] } }] }]'), /bad port \(http\)/],
  ['an empty operation', AUTHZ('rules: [{ to: [{ operation: {} }] }]'),
    AUTHZ('rules: [{ to: [{ operation: { methods: [GET] } }] }]'), /`to.operation` must not be empty/],
  ['a condition on an unknown attribute', AUTHZ('rules: [{ when: [{ key: "request.header[x-user]", values: [a] }] }]'),
    AUTHZ('rules: [{ when: [{ key: "request.headers[x-user]", values: [a] }] }]'), /unknown attribute: request.header\[x-user\]/],
  ['a condition on destination labels', AUTHZ('rules: [{ when: [{ key: "destination.labels[app]", values: [web] }] }]'),
    AUTHZ('rules: [{ when: [{ key: source.namespace, values: [shop] }] }]'), /replaced by the workload selector/],
  ['DENY without rules', AUTHZ('action: DENY'), AUTHZ('action: DENY, rules: [{ to: [{ operation: { ports: ["9080"] } }] }]'),
    /DENY action without `rules` is meaningless/],
  ['a provider on an ALLOW policy', AUTHZ('provider: { name: opa }, rules: [{}]'), AUTHZ('action: CUSTOM, provider: { name: opa }, rules: [{}]'),
    /`provider` must not be with non CUSTOM action, found ALLOW/],
  ['CUSTOM matching on principals', AUTHZ('action: CUSTOM, provider: { name: opa }, rules: [{ from: [{ source: { principals: [a] } }] }]'),
    AUTHZ('action: CUSTOM, provider: { name: opa }, rules: [{ from: [{ source: { ipBlocks: [10.0.0.0/8] } }] }]'), /From.Principals is currently not supported with CUSTOM action/],
  ['a JWT rule without issuer or jwksUri', REQAUTH('{ audiences: [shop] }'), REQAUTH('{ issuer: https://auth.example.com }'),
    /issuer or jwksUri must be non-empty string/],
  ['inline jwks that do not parse', REQAUTH('{ issuer: a, jwks: "{not json" }'), REQAUTH('{ issuer: a, jwks: "{\\"keys\\": []}" }'),
    /jwks parse error/],
  ['an endpoint port the ServiceEntry does not define', SE('ports: [{ number: 443, name: https, protocol: HTTPS }], endpoints: [{ address: api.example.com, ports: { http: 8080 } }]'),
    SE('ports: [{ number: 443, name: https, protocol: HTTPS }], endpoints: [{ address: api.example.com, ports: { https: 8443 } }]'), /endpoint port 8080 is not defined by the service entry/],
  ['an endpoint address neither an FQDN nor an IP', SE('ports: [{ number: 443, name: https, protocol: HTTPS }], endpoints: [{ address: "api_example.com" }]'),
    SE('ports: [{ number: 443, name: https, protocol: HTTPS }], endpoints: [{ address: api.example.com }]'), /endpoint address "api_example.com" is not a valid FQDN or an IP address/],
  ['several hosts behind a TCP port', SE('ports: [{ number: 5432, name: tcp-db, protocol: TCP }], addresses: [10.0.0.1]').replace('hosts: [api.example.com]', 'hosts: [a.example.com, b.example.com]'),
    SE('ports: [{ number: 443, name: https, protocol: HTTPS }]').replace('hosts: [api.example.com]', 'hosts: [a.example.com, b.example.com]'), /multiple hosts provided with non-HTTP, non-TLS ports/],
  ['a Sidecar with nothing in it', SIDECAR_CR('outboundTrafficPolicy: null'), SIDECAR_CR('egress: [{ hosts: ["./*"] }]'), /sidecar: empty configuration provided/],
  ['two ingress listeners on one port', SIDECAR_CR('ingress: [{ port: { number: 9080, name: http, protocol: HTTP }, defaultEndpoint: "127.0.0.1:8080" }, { port: { number: 9080, name: http2, protocol: HTTP }, defaultEndpoint: "127.0.0.1:8081" }]'),
    SIDECAR_CR('ingress: [{ port: { number: 9080, name: http, protocol: HTTP }, defaultEndpoint: "127.0.0.1:8080" }]'), /sidecar: ports on IP bound listeners must be unique/],
  ['a catch-all egress listener before others', SIDECAR_CR('egress: [{ hosts: ["./*"] }, { port: { number: 9080, name: http, protocol: HTTP }, hosts: ["./*"] }]'),
    SIDECAR_CR('egress: [{ port: { number: 9080, name: http, protocol: HTTP }, hosts: ["./*"] }, { hosts: ["./*"] }]'), /the egress listener with empty port should be the last listener in the list/],
  ['an egress proxy with REGISTRY_ONLY', SIDECAR_CR('egress: [{ hosts: ["./*"] }], outboundTrafficPolicy: { mode: REGISTRY_ONLY, egressProxy: { host: proxy.example.com, port: { number: 3128 } } }'),
    SIDECAR_CR('egress: [{ hosts: ["./*"] }], outboundTrafficPolicy: { mode: ALLOW_ANY, egressProxy: { host: proxy.example.com, port: { number: 3128 } } }'), /egress_proxy must be set only with ALLOW_ANY/],
  ['routing on a JWT claim on the mesh', VS('{ match: [{ headers: { "@request.auth.claims.group": { exact: admin } } }], route: [{ destination: { host: ratings } }] }'),
    VS('{ match: [{ headers: { "@request.auth.claims.group": { exact: admin } } }], route: [{ destination: { host: ratings } }] }', ', gateways: [istio-system/edge]'), /JWT claim based routing \(key: @request.auth.claims.group\) is only supported for gateway/],
  ['a WorkloadEntry address that is neither FQDN nor IP', WORKLOAD_ENTRY('address: "vm_1.example.com"'), WORKLOAD_ENTRY('address: vm-1.example.com'),
    /endpoint address "vm_1.example.com" is not a valid FQDN or an IP address/],
  ['an EnvoyFilter patch without value', ENVOY_FILTER('{ applyTo: HTTP_FILTER, patch: { operation: INSERT_FIRST } }'),
    ENVOY_FILTER('{ applyTo: HTTP_FILTER, patch: { operation: INSERT_FIRST, value: { name: envoy.lua } } }'), /missing patch value for non-remove operation/],
  ['an EnvoyFilter proxy version that is no regex', ENVOY_FILTER('{ applyTo: HTTP_FILTER, match: { proxy: { proxyVersion: "^1[.](30" } }, patch: { operation: INSERT_FIRST, value: { name: envoy.lua } } }'),
    ENVOY_FILTER('{ applyTo: HTTP_FILTER, match: { proxy: { proxyVersion: "^1[.]30.*" } }, patch: { operation: INSERT_FIRST, value: { name: envoy.lua } } }'), /invalid regex for proxy version/],
  ['an EnvoyFilter cluster patch matching a listener', ENVOY_FILTER('{ applyTo: CLUSTER, match: { listener: { portNumber: 80 } }, patch: { operation: MERGE, value: { connect_timeout: 1s } } }'),
    ENVOY_FILTER('{ applyTo: CLUSTER, match: { cluster: { service: ratings.shop.svc.cluster.local } }, patch: { operation: MERGE, value: { connect_timeout: 1s } } }'), /applyTo for cluster class objects cannot have non cluster match/],
  ['an EnvoyFilter subfilter match outside the HTTP connection manager', ENVOY_FILTER('{ applyTo: HTTP_FILTER, match: { listener: { filterChain: { filter: { name: envoy.filters.network.tcp_proxy, subFilter: { name: envoy.filters.http.router } } } } }, patch: { operation: INSERT_BEFORE, value: { name: envoy.lua } } }'),
    ENVOY_FILTER('{ applyTo: HTTP_FILTER, match: { listener: { filterChain: { filter: { name: envoy.filters.network.http_connection_manager, subFilter: { name: envoy.filters.http.router } } } } }, patch: { operation: INSERT_BEFORE, value: { name: envoy.lua } } }'), /subfilter match requires filter match with envoy.filters.network.http_connection_manager/],
  ['a destination host that is no domain name', VS('{ route: [{ destination: { host: "ratings_v2" } }] }'), VS(ROUTE), /domain name "ratings_v2" invalid \(label "ratings_v2" invalid\)/],
  ['a wildcard inside a VirtualService host', VS(ROUTE).replace('hosts: [ratings]', 'hosts: ["ratings.*.svc"]'), VS(ROUTE), /domain name "ratings.\*.svc" invalid \(label "\*" invalid\)/],
  ['a DestinationRule host with a numeric top-level domain', DR('trafficPolicy: { loadBalancer: { simple: ROUND_ROBIN } }').replace('host: ratings', 'host: ratings.10'),
    DR('trafficPolicy: { loadBalancer: { simple: ROUND_ROBIN } }'), /top level domain "10" cannot be all-numeric/],
  ['a Gateway server host that is a short name', GATEWAY('[{ port: { number: 80, name: http, protocol: HTTP }, hosts: [bookinfo] }]'),
    GATEWAY('[{ port: { number: 80, name: http, protocol: HTTP }, hosts: [bookinfo.example.com] }]'), /short names \(non FQDN\) are not allowed/],
  ['a Gateway server host with a partial wildcard', GATEWAY('[{ port: { number: 80, name: http, protocol: HTTP }, hosts: ["shop/*api.example.com"] }]'),
    GATEWAY('[{ port: { number: 80, name: http, protocol: HTTP }, hosts: ["shop/*.example.com"] }]'), /partial wildcard "\*api.example.com" not allowed/],
  ['a Sidecar egress host without namespace', SIDECAR_CR('egress: [{ hosts: ["ratings.shop.svc.cluster.local"] }]'),
    SIDECAR_CR('egress: [{ hosts: ["./ratings.shop.svc.cluster.local"] }]'), /host must be of form namespace\/dnsName/],
  ['exportTo listing the own namespace and .', VS(ROUTE, ', exportTo: [shop, .]'), VS(ROUTE, ', exportTo: [., payments]'), /duplicate entries in exportTo: . and current namespace shop/],
  ['exportTo mixing * with namespaces', VS(ROUTE, ', exportTo: ["*", payments]'), VS(ROUTE, ', exportTo: ["*"]'), /cannot have both public \(\*\) and non-public exportTo values/],
  ['exportTo ~ on a VirtualService', VS(ROUTE, ', exportTo: ["~"]'), VS(ROUTE, ', exportTo: ["."]'), /exportTo ~ \(none\) is not allowed for Istio configuration objects/],
  ['a DestinationRule with workload selector exported beyond its namespace', DR('workloadSelector: { matchLabels: { app: ratings } }, exportTo: [payments], trafficPolicy: { loadBalancer: { simple: ROUND_ROBIN } }'),
    DR('workloadSelector: { matchLabels: { app: ratings } }, exportTo: [.], trafficPolicy: { loadBalancer: { simple: ROUND_ROBIN } }'), /destination rule with workload selector cannot have exportTo beyond current namespace/],
  ['a redirect with nothing to redirect to', VS('{ redirect: { redirectCode: 301 } }'), VS('{ redirect: { uri: /v2, redirectCode: 301 } }'), /redirect must specify URI, authority, scheme, or port/],
  ['a redirect code outside 3xx', VS('{ redirect: { uri: /v2, redirectCode: 200 } }'), VS('{ redirect: { uri: /v2, redirectCode: 308 } }'), /200 is not a valid redirect code, must be 3xx/],
  ['a rewrite with nothing to rewrite', VS(withRoute('rewrite: {}')), VS(withRoute('rewrite: { uri: /v2 }')), /rewrite must specify at least one of URI, UriRegexRewrite, or authority/],
  ['a direct response status outside 200-599', VS('{ directResponse: { status: 100 } }'), VS('{ directResponse: { status: 503 } }'), /HTTP status 100 is not in range 200-599/],
  ['a match on a header name with a space', VS(withRoute('match: [{ headers: { "x user": { exact: a } } }]')), VS(withRoute('match: [{ headers: { x-user: { exact: a } } }]')),
    /header name x user is not a valid header name/],
  ['a request header operation on :path', VS(withRoute('headers: { request: { set: { ":path": /v2 } } }')), VS(withRoute('headers: { request: { set: { ":authority": ratings.example.com } } }')),
    /invalid header ":path": header cannot have ":" prefix/],
  ['a response header operation on Host', VS(withRoute('headers: { response: { remove: [Host] } }')), VS(withRoute('headers: { response: { remove: [x-envoy-upstream-service-time] } }')),
    /invalid header "Host": cannot set Host header/],
  ['a CORS method that does not exist', VS(withRoute('corsPolicy: { allowOrigins: [{ exact: "https://example.com" }], allowMethods: [FETCH] }')),
    VS(withRoute('corsPolicy: { allowOrigins: [{ exact: "https://example.com" }], allowMethods: [GET] }')), /"FETCH" is not a supported HTTP method/],
  ['a CORS max age below seconds', VS(withRoute('corsPolicy: { allowOrigins: [{ exact: "https://example.com" }], maxAge: 1.5s }')),
    VS(withRoute('corsPolicy: { allowOrigins: [{ exact: "https://example.com" }], maxAge: 2s }')), /max_age duration is accurate only to seconds precision/],
  ['a match on an invalid source namespace', VS(withRoute('match: [{ sourceNamespace: "shop_ns" }]')), VS(withRoute('match: [{ sourceNamespace: shop }]')), /sourceNamespace match shop_ns is invalid/],
];

describe("istiod's validating webhook (CI104): what kubectl apply refuses beyond schema and CEL", () => {
  test.each(PAIRS)('%s', (_name, bad, good, message) => {
    const refused = webhook(bad, SERVICE);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatch(message);
    expect(webhook(good, SERVICE)).toEqual([]);
  });

  test('the finding names the field and line, as a schema finding does', () => {
    const [finding] = analyzeYaml(VS(withRoute('fault: { delay: { fixedDelay: 2s, percentage: { value: 250 } } }'))).filter(f => f.code === 'CI104');
    expect(finding.message).toMatch(/^spec\.http\[0\]\.fault\.delay\.percentage\.value: /);
    expect(finding.object).toBe('VirtualService/shop/ratings');
    expect(finding.line).toBe(4);
  });

  test('objects the schema rejects are not passed to the webhook, as the API server never calls it for them', () => {
    const findings = analyzeYaml(GATEWAY('[{ port: { number: 0, name: http, protocol: HTTP }, hosts: "*" }]'));
    expect(findings.map(f => f.code)).toContain('CI101');
    expect(findings.map(f => f.code)).not.toContain('CI104');
  });

  test('warnings the webhook returns are CI105 and do not fail the analysis', () => {
    const findings = analyzeYaml(VS(withRoute('fault: { abort: { percentage: { value: 10 } } }')), SERVICE);
    expect(findings.map(f => [f.code, f.severity, f.message])).toEqual([
      ['CI105', 'warning', 'spec.http[0].fault.abort: abort configured, but error type not set'],
    ]);
  });
  test('a Sidecar egress host listed twice (./ stands for the Sidecar\'s namespace) is a warning', () => {
    const findings = analyzeYaml(SIDECAR_CR('egress: [{ hosts: ["./ratings.shop.svc.cluster.local", "shop/ratings.shop.svc.cluster.local"] }]'));
    expect(findings.map(f => [f.code, f.message])).toEqual([['CI105', 'spec.egress[0].hosts: duplicated egress host: shop/ratings.shop.svc.cluster.local']]);
  });
  test('Telemetry with several tracing configurations or providers is accepted with warnings', () => {
    const findings = analyzeYaml(TELEMETRY('tracing: [{ providers: [{ name: zipkin }, { name: otel }] }, { randomSamplingPercentage: 1 }]'));
    expect(findings.map(f => [f.code, f.message])).toEqual([
      ['CI105', 'spec.tracing: multiple tracing is not currently supported'],
      ['CI105', 'spec.tracing[0].providers: multiple providers is not currently supported'],
    ]);
  });
  test.each([
    ['WasmPlugin url scheme', `apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata: { name: f, namespace: shop }
spec: { url: "ftp://r.example.com/f.wasm" }`],
    ['WasmPlugin duplicate env', `apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata: { name: f, namespace: shop }
spec: { url: "oci://r.example.com/f:1", vmConfig: { env: [{ name: A, value: "1" }, { name: A, value: "2" }] } }`],
    ['TrafficExtension wasm and lua', `apiVersion: extensions.istio.io/v1alpha1
kind: TrafficExtension
metadata: { name: f, namespace: shop }
spec: { wasm: { url: "oci://r.example.com/f:1" }, lua: { inlineCode: "function envoy_on_request(h) end" } }`],
    ['TrafficExtension duplicate env', `apiVersion: extensions.istio.io/v1alpha1
kind: TrafficExtension
metadata: { name: f, namespace: shop }
spec: { wasm: { url: "oci://r.example.com/f:1", vmConfig: { env: [{ name: A, value: "1" }, { name: A, value: "2" }] } } }`],
    ['TrafficExtension match port 0', `apiVersion: extensions.istio.io/v1alpha1
kind: TrafficExtension
metadata: { name: f, namespace: shop }
spec: { lua: { inlineCode: "function envoy_on_request(h) end" }, match: [{ ports: [{ number: 0 }] }] }`],
    ['TrafficExtension empty Lua code', `apiVersion: extensions.istio.io/v1alpha1
kind: TrafficExtension
metadata: { name: f, namespace: shop }
spec: { lua: { inlineCode: "" } }`],
    ['ProxyConfig negative concurrency', `apiVersion: networking.istio.io/v1beta1
kind: ProxyConfig
metadata: { name: p, namespace: shop }
spec: { concurrency: -1 }`],
  ])('the CRD itself already refuses what the webhook would (%s), so no webhook rule is needed', (_name, yaml) => {
    expect(analyzeYaml(yaml).map(f => f.code).filter(c => c === 'CI101' || c === 'CI102')).not.toEqual([]);
  });

  test('a WorkloadGroup label value Kubernetes would refuse', () => {
    const group = (value: string) => `apiVersion: networking.istio.io/v1
kind: WorkloadGroup
metadata: { name: vms, namespace: shop }
spec: { metadata: { labels: { app: "${value}" } }, template: { serviceAccount: vm } }`;
    expect(webhook(group('web app'))).toEqual(["spec.metadata.labels.app: invalid labels: value 'web app' of label 'app' is not a valid label value"]);
    expect(webhook(group('web-app'))).toEqual([]);
  });

  test('every EnvoyFilter gets istiod\'s warning about internal details', () => {
    const findings = analyzeYaml(ENVOY_FILTER('{ applyTo: HTTP_FILTER, patch: { operation: INSERT_FIRST, value: { name: envoy.lua } } }'));
    expect(findings.map(f => f.code)).toEqual(['CI105']);
  });
  test('Istio\'s DNS-1123 labels take either case: a subset V1 is accepted', () => {
    expect(webhook(VS('{ route: [{ destination: { host: ratings, subset: V1 } }] }'), SERVICE)).toEqual([]);
  });
});
