import { expectWebhookPair, WebhookPair } from '../helpers';

// Bad/good pairs written for this project after istiod's validation (Istio 1.30): header values, RE2
// regexes and string matches, TLS and TCP routes, and a DestinationRule's connection pool, load balancer,
// locality and tunnel settings. Each bad input is one the CRD's schema and CEL rules accept, so the
// webhook rule is what refuses it (CI104) or warns about it (CI105); its good twin gets neither.

// Bad/good pairs written for this project after istiod's validation (Istio 1.30): header values, RE2
// regexes and string matches, TLS and TCP routes, and a DestinationRule's connection pool, load balancer,
// locality and tunnel settings. Each bad input is one the CRD's schema and CEL rules accept, so the
// webhook rule is what refuses it (CI104) or warns about it (CI105); its good twin gets neither.

const VS = (spec: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ratings, namespace: shop }
spec: { hosts: [ratings], ${spec} }`;

const HTTP = (rule: string) => VS(`http: [{ ${rule}, route: [{ destination: { host: ratings } }] }]`);

const TLS_VS = (tls: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: api, namespace: shop }
spec: { hosts: ["*.example.com"], gateways: [shop/edge], tls: [${tls}] }`;

const DR = (policy: string) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: ratings, namespace: shop }
spec: { host: ratings, trafficPolicy: { ${policy} } }`;

const AUTHZ = (dryRun: string, action: string) => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: web, namespace: shop, annotations: { istio.io/dry-run: "${dryRun}" } }
spec: { action: ${action}, rules: [{ from: [{ source: { namespaces: [edge] } }] }] }`;

const POLICY = (kind: string, spec: string, apiVersion = 'security.istio.io/v1') => `apiVersion: ${apiVersion}
kind: ${kind}
metadata: { name: web, namespace: shop }
spec: { ${spec} }`;

const EF = (selector: string, patch: string) => `apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: { name: lua, namespace: shop }
spec: { ${selector}configPatches: [${patch}] }`;

const GW = (server: string) => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: edge, namespace: shop }
spec: { selector: { istio: ingressgateway }, servers: [${server}] }`;

const WG = (probe: string) => `apiVersion: networking.istio.io/v1
kind: WorkloadGroup
metadata: { name: vms, namespace: shop }
spec: { template: { serviceAccount: vm }, probe: { ${probe} } }`;

const TO = 'route: [{ destination: { host: api.example.com, port: { number: 443 } } }]';

const PAIRS: WebhookPair[] = [
  // header values: Envoy's %VAR% formatting, no control characters
  ['a header value with an un-escaped %', HTTP('headers: { request: { set: { x-share: "50%" } } }'), HTTP('headers: { request: { set: { x-share: "50%%" } } }'), 'CI104', /header value configuration: invalid header configuration. Un-escaped %/],
  ['an unterminated variable', HTTP('headers: { response: { add: { x-start: "%START_TIME" } } }'), HTTP('headers: { response: { add: { x-start: "%START_TIME%" } } }'), 'CI104', /Un-terminated variable expression/],
  ['a variable argument without quotes in the array', HTTP('headers: { request: { set: { x-meta: "%DYNAMIC_METADATA([a, b])%" } } }'), HTTP('headers: { request: { set: { x-meta: "%DYNAMIC_METADATA([\\"a\\", \\"b\\"])%" } } }'), 'CI104', /Expecting '"'/],
  ['a destination header value with a newline', VS('http: [{ route: [{ destination: { host: ratings }, headers: { request: { add: { x-a: "a\\nb" } } } }] }]'), VS('http: [{ route: [{ destination: { host: ratings }, headers: { request: { add: { x-a: "a\\tb" } } } }] }]'), 'CI104', /header value configuration "a\\nb" is invalid/],
  // regexes are RE2, string matches not empty
  ['a lookahead in a URI regex', HTTP('match: [{ uri: { regex: "^/api(?!/internal)" } }]'), HTTP('match: [{ uri: { regex: "^/api(/public)?" } }]'), 'CI104', /"uri": error parsing regexp: invalid or unsupported Perl syntax/],
  ['a backreference in a header regex', HTTP('match: [{ headers: { x-id: { regex: "(a)\\\\1" } } }]'), HTTP('match: [{ headers: { x-id: { regex: "(?i)(a)+" } } }]'), 'CI104', /"headers": error parsing regexp/],
  ['an unbalanced query parameter regex', HTTP('match: [{ queryParams: { v: { regex: "(1|2" } } }]'), HTTP('match: [{ queryParams: { v: { regex: "(?P<v>1|2)" } } }]'), 'CI104', /"queryParams": error parsing regexp/],
  ['an empty method prefix', HTTP('match: [{ method: { prefix: "" } }]'), HTTP('match: [{ uri: { prefix: "" } }]'), 'CI104', /"method": prefix string match should not be empty/],
  ['an empty authority regex', HTTP('match: [{ authority: { regex: "" } }]'), HTTP('match: [{ authority: { regex: ".*" } }]'), 'CI104', /"authority": regex string match should not be empty/],
  ['a withoutHeaders regex that does not compile', HTTP('match: [{ withoutHeaders: { x-debug: { regex: "[" } } }]'), HTTP('match: [{ withoutHeaders: { x-debug: { regex: "*" } } }]'), 'CI104', /"withoutHeaders": error parsing regexp/],
  ['a CORS origin regex that does not compile', HTTP('corsPolicy: { allowOrigins: [{ regex: "https://(a|b.example.com" }] }'), HTTP('corsPolicy: { allowOrigins: [{ regex: "https://(a|b)\\\\.example\\\\.com" }] }'), 'CI104', /"corsPolicy.allowOrigins": error parsing regexp/],
  ['an empty CORS origin', HTTP('corsPolicy: { allowOrigins: [{ exact: "" }] }'), HTTP('corsPolicy: { allowOrigins: [{ exact: "https://a.example.com" }] }'), 'CI104', /'' is not a valid match type for CORS allow origins/],
  ['a URI regex rewrite whose match does not compile', HTTP('rewrite: { uriRegexRewrite: { match: "^/v1/(.*", rewrite: "/v2/\\\\1" } }'), HTTP('rewrite: { uriRegexRewrite: { match: "^/v1/(.*)", rewrite: "/v2/\\\\1" } }'), 'CI104', /"HTTPRewrite.UriRegexRewrite.Match": error parsing regexp/],
  ['a repeat count above the 1000 RE2 allows', HTTP('match: [{ uri: { regex: "^/a{1001}$" } }]'), HTTP('match: [{ uri: { regex: "^/a{2,1000}$" } }]'), 'CI104', /invalid repeat count: `\{1001\}`/],
  ['a regex longer than 1024 characters', HTTP(`match: [{ uri: { regex: "${'a'.repeat(1025)}" } }]`), HTTP(`match: [{ uri: { regex: "${'a'.repeat(1024)}" } }]`), 'CI104', /regex is too large, max length allowed is 1024/],
  // match source labels and gateway names
  ['a source label key with a space', HTTP('match: [{ sourceLabels: { "app name": web } }]'), HTTP('match: [{ sourceLabels: { app.kubernetes.io/name: web } }]'), 'CI104', /invalid tag key: "app name"/],
  ['a match gateway with an invalid namespace', HTTP('match: [{ gateways: ["Shop_/edge"] }]').replace('hosts: [ratings]', 'hosts: [ratings], gateways: [shop/edge]'), HTTP('match: [{ gateways: [shop/edge] }]').replace('hosts: [ratings]', 'hosts: [ratings], gateways: [shop/edge]'), 'CI104', /invalid value for namespace: "Shop_"/],
  ['a gateway in the legacy name.namespace form', HTTP('match: [{ uri: { prefix: / } }]').replace('hosts: [ratings]', 'hosts: [ratings], gateways: [edge.shop]'), HTTP('match: [{ uri: { prefix: / } }]').replace('hosts: [ratings]', 'hosts: [ratings], gateways: [shop/edge]'), 'CI105', /using legacy gatewayName format "edge.shop"; prefer the <namespace>\/<name> format: "shop\/edge"/],
  // TLS and TCP routes
  ['a TLS route with an empty match list (the schema requires the field)', TLS_VS(`{ match: [], ${TO} }`), TLS_VS(`{ match: [{ sniHosts: [api.example.com] }], ${TO} }`), 'CI104', /TLS route must have at least one match condition/],
  ['a TLS match with an empty SNI host list (the schema requires the field)', TLS_VS(`{ match: [{ port: 443, sniHosts: [] }], ${TO} }`), TLS_VS(`{ match: [{ port: 443, sniHosts: [api.example.com] }], ${TO} }`), 'CI104', /TLS match must have at least one SNI host/],
  ['an SNI host outside the VirtualService hosts', TLS_VS(`{ match: [{ sniHosts: [api.example.org] }], ${TO} }`), TLS_VS(`{ match: [{ sniHosts: ["*.api.example.com"] }], ${TO} }`), 'CI104', /SNI host "api.example.org" is not a compatible subset of any of the virtual service hosts: \[\*.example.com\]/],
  ['an SNI host that is an IP address', TLS_VS(`{ match: [{ sniHosts: [10.0.0.1] }], ${TO} }`), TLS_VS(`{ match: [{ sniHosts: [a.example.com] }], ${TO} }`), 'CI105', /using an IP address \("10.0.0.1"\) goes against SNI spec/],
  ['a TLS destination subnet that is not a CIDR', TLS_VS(`{ match: [{ sniHosts: [a.example.com], destinationSubnets: [10.0.0.0/33] }], ${TO} }`), TLS_VS(`{ match: [{ sniHosts: [a.example.com], destinationSubnets: [10.0.0.0/16, 10.1.0.1] }], ${TO} }`), 'CI104', /10.0.0.0\/33 is not a valid CIDR block/],
  ['a TLS route without destinations', TLS_VS('{ match: [{ sniHosts: [a.example.com] }] }'), TLS_VS(`{ match: [{ sniHosts: [a.example.com] }], ${TO} }`), 'CI104', /TLS route is required/],
  ['a TCP route without destinations', VS('tcp: [{ match: [{ port: 3306 }] }]'), VS('tcp: [{ match: [{ port: 3306 }], route: [{ destination: { host: ratings } }] }]'), 'CI104', /TCP route is required/],
  ['a TCP match on an address that is not one', VS('tcp: [{ match: [{ destinationSubnets: [10.0.0.300] }], route: [{ destination: { host: ratings } }] }]'), VS('tcp: [{ match: [{ destinationSubnets: ["fd00::/8"] }], route: [{ destination: { host: ratings } }] }]'), 'CI104', /10.0.0.300 is not a valid IP/],
  ['a direct response body over 1 MiB', HTTP(`directResponse: { status: 200, body: { string: "${'x'.repeat(1024 * 1024 + 1)}" } }`).replace(', route: [{ destination: { host: ratings } }]', ''), HTTP('directResponse: { status: 200, body: { string: "ok" } }').replace(', route: [{ destination: { host: ratings } }]', ''), 'CI104', /large direct_responses may impact control plane performance, must be less than 1MB/],
  ['a direct response body over 100 KiB', HTTP(`directResponse: { status: 200, body: { bytes: "${Buffer.alloc(101 * 1024).toString('base64')}" } }`).replace(', route: [{ destination: { host: ratings } }]', ''), HTTP(`directResponse: { status: 200, body: { bytes: "${Buffer.alloc(100 * 1024).toString('base64')}" } }`).replace(', route: [{ destination: { host: ratings } }]', ''), 'CI105', /large direct_responses may impact control plane performance$/],
  ['the authority rewritten twice', HTTP('rewrite: { authority: a.example.com }, headers: { request: { set: { host: b.example.com } } }'), HTTP('rewrite: { authority: a.example.com }, headers: { request: { set: { x-host: b.example.com } } }'), 'CI104', /authority header cannot be set multiple times: have "a.example.com", attempting to set "b.example.com"/],
  // metadata istiod checks on every Istio kind
  ['a dry-run annotation on a VirtualService', HTTP('match: [{ uri: { prefix: / } }]').replace('namespace: shop }', 'namespace: shop, annotations: { istio.io/dry-run: "true" } }'), HTTP('match: [{ uri: { prefix: / } }]'), 'CI104', /shop\/ratings has unsupported annotation istio.io\/dry-run, please remove the annotation/],
  ['a dry-run value that is no boolean', AUTHZ('yes', 'DENY'), AUTHZ('true', 'DENY'), 'CI104', /has annotation istio.io\/dry-run with invalid value \(yes\)/],
  ['a dry-run AUDIT policy', AUTHZ('true', 'AUDIT'), AUTHZ('false', 'ALLOW'), 'CI104', /the annotation istio.io\/dry-run currently only supports action ALLOW\/DENY, found action AUDIT/],
  ['an internal annotation', DR('connectionPool: { tcp: { maxConnections: 1 } }').replace('namespace: shop }', 'namespace: shop, annotations: { internal.istio.io/parents: "Gateway/shop/edge" } }'), DR('connectionPool: { tcp: { maxConnections: 1 } }'), 'CI104', /"internal.istio.io\/parents" annotation found, this may not be set by users/],
  // policy attachment and security rules
  ['a policy selector without labels', POLICY('AuthorizationPolicy', 'selector: {}, rules: [{}]'), POLICY('AuthorizationPolicy', 'selector: { matchLabels: { app: web } }, rules: [{}]'), 'CI105', /spec.selector: workload selector specified without labels/],
  ['a DestinationRule workload selector without labels', DR('connectionPool: { tcp: { maxConnections: 1 } }').replace('spec: {', 'spec: { workloadSelector: {}, exportTo: ["."],'), DR('connectionPool: { tcp: { maxConnections: 1 } }').replace('spec: {', 'spec: { workloadSelector: { matchLabels: { app: web } }, exportTo: ["."],'), 'CI105', /workload selector specified without labels/],
  ['a WasmPlugin selector without labels', POLICY('WasmPlugin', 'selector: {}, url: "oci://r.example.com/f:1"', 'extensions.istio.io/v1alpha1'), POLICY('WasmPlugin', 'selector: { matchLabels: { app: web } }, url: "oci://r.example.com/f:1"', 'extensions.istio.io/v1alpha1'), 'CI105', /workload selector specified without labels/],
  ['a policy attached to a Deployment', POLICY('RequestAuthentication', 'targetRefs: [{ group: apps, kind: Deployment, name: web }], jwtRules: [{ issuer: a }]'), POLICY('RequestAuthentication', 'targetRefs: [{ group: "", kind: Service, name: web }], jwtRules: [{ issuer: a }]'), 'CI104', /targetRef must be to one of \[Service, ServiceEntry, Gateway, GatewayClass\] but was apps\/Deployment/],
  ['Telemetry attached to a Pod', POLICY('Telemetry', 'targetRefs: [{ group: "", kind: Pod, name: web }], accessLogging: [{ providers: [{ name: envoy }] }]', 'telemetry.istio.io/v1'), POLICY('Telemetry', 'targetRefs: [{ group: gateway.networking.k8s.io, kind: Gateway, name: edge }], accessLogging: [{ providers: [{ name: envoy }] }]', 'telemetry.istio.io/v1'), 'CI104', /but was \/Pod/],
  ['a path template after {**}', POLICY('AuthorizationPolicy', 'rules: [{ to: [{ operation: { paths: ["/api/{**}/{*}"] } }] }]'), POLICY('AuthorizationPolicy', 'rules: [{ to: [{ operation: { paths: ["/api/{*}/{**}"] } }] }]'), 'CI104', /invalid or unsupported path api\/\{\*\*\}\/\{\*\}, found in Paths. \{\*\*\} is not the last operator/],
  ['braces beside a path template', POLICY('AuthorizationPolicy', 'rules: [{ to: [{ operation: { notPaths: ["/api/{id}"] } }] }]'), POLICY('AuthorizationPolicy', 'rules: [{ to: [{ operation: { notPaths: ["/api/{*}"] } }] }]'), 'CI104', /Contains '\{' or '\}' beyond a supported path template/],
  ['a templated path segment that is no literal', POLICY('AuthorizationPolicy', 'rules: [{ to: [{ operation: { paths: ["/api/{*}/a b"] } }] }]'), POLICY('AuthorizationPolicy', 'rules: [{ to: [{ operation: { paths: ["/api/{*}/a-b"] } }] }]'), 'CI104', /Contains segment a b with invalid string literal/],
  ['a private key in inline JWKS', POLICY('RequestAuthentication', `jwtRules: [{ issuer: a, jwks: '{"keys":[{"kty":"RSA","n":"x","e":"AQAB","d":"secret"}]}' }]`), POLICY('RequestAuthentication', `jwtRules: [{ issuer: a, jwks: '{"keys":[{"kty":"RSA","n":"x","e":"AQAB"}]}' }]`), 'CI105', /jwks key at index 0 contains private key material/],
  // Gateway servers
  ['a server port name that is empty', GW('{ port: { number: 80, name: "", protocol: HTTP }, hosts: ["*"] }'), GW('{ port: { number: 80, name: http, protocol: HTTP }, hosts: ["*"] }'), 'CI104', /port name must be set/],
  ['a unix socket server on a port', GW('{ port: { number: 80, name: http, protocol: HTTP }, bind: "unix:///run/gw.sock", hosts: ["*"] }'), GW('{ port: { number: 0, name: http, protocol: HTTP }, bind: "unix:///run/gw.sock", hosts: ["*"] }'), 'CI104', /port number must be 0 for unix domain socket/],
  ['a server bound to a host name', GW('{ port: { number: 80, name: http, protocol: HTTP }, bind: gw.local, hosts: ["*"] }'), GW('{ port: { number: 80, name: http, protocol: HTTP }, bind: 0.0.0.0, hosts: ["*"] }'), 'CI104', /gw.local is not a valid IP/],
  ['an unknown cipher suite', GW('{ port: { number: 443, name: https, protocol: HTTPS }, hosts: ["*"], tls: { mode: SIMPLE, credentialName: cert, cipherSuites: [ECDHE-RSA-AES128-GCM-SHA256, RC4-MD5] } }'), GW('{ port: { number: 443, name: https, protocol: HTTPS }, hosts: ["*"], tls: { mode: SIMPLE, credentialName: cert, cipherSuites: [ECDHE-RSA-AES128-GCM-SHA256, "!RC4"] } }'), 'CI105', /ignoring invalid cipher suites: \[RC4-MD5\]/],
  ['a cipher suite named twice', GW('{ port: { number: 443, name: https, protocol: HTTPS }, hosts: ["*"], tls: { mode: SIMPLE, credentialName: cert, cipherSuites: [AES128-SHA, AES128-SHA] } }'), GW('{ port: { number: 443, name: https, protocol: HTTPS }, hosts: ["*"], tls: { mode: SIMPLE, credentialName: cert, cipherSuites: [AES128-SHA, AES256-SHA] } }'), 'CI105', /ignoring duplicate cipher suites: \[AES128-SHA\]/],
  ['TLS 1.0 without cipher suites', GW('{ port: { number: 443, name: https, protocol: HTTPS }, hosts: ["*"], tls: { mode: SIMPLE, credentialName: cert, minProtocolVersion: TLSV1_0 } }'), GW('{ port: { number: 443, name: https, protocol: HTTPS }, hosts: ["*"], tls: { mode: SIMPLE, credentialName: cert, minProtocolVersion: TLSV1_0, cipherSuites: [AES128-SHA] } }'), 'CI105', /TLS version below TLSV1_2 require setting compatible ciphers/],
  ['a CRL with SIMPLE TLS', GW('{ port: { number: 443, name: https, protocol: HTTPS }, hosts: ["*"], tls: { mode: SIMPLE, serverCertificate: /c.pem, privateKey: /k.pem, caCrl: /crl.pem } }'), GW('{ port: { number: 443, name: https, protocol: HTTPS }, hosts: ["*"], tls: { mode: MUTUAL, serverCertificate: /c.pem, privateKey: /k.pem, caCertificates: /ca.pem, caCrl: /crl.pem } }'), 'CI104', /CRL is not supported with SIMPLE TLS/],
  // Telemetry
  ['a tracing tag without name', POLICY('Telemetry', 'tracing: [{ customTags: { "": { literal: { value: a } } } }]', 'telemetry.istio.io/v1'), POLICY('Telemetry', 'tracing: [{ customTags: { team: { literal: { value: a } } } }]', 'telemetry.istio.io/v1'), 'CI104', /tag name may not be empty/],
  ['a metric tag override without name', POLICY('Telemetry', 'metrics: [{ overrides: [{ tagOverrides: { "": { operation: REMOVE } } }] }]', 'telemetry.istio.io/v1'), POLICY('Telemetry', 'metrics: [{ overrides: [{ tagOverrides: { request_protocol: { operation: REMOVE } } }] }]', 'telemetry.istio.io/v1'), 'CI105', /tagOverrides.name may not be empty/],
  // EnvoyFilter
  ['an EnvoyFilter selector without labels', EF('workloadSelector: {}, ', `{ applyTo: HTTP_FILTER, patch: { operation: INSERT_FIRST, value: { name: envoy.filters.http.lua } } }`), EF('workloadSelector: { labels: { app: web } }, ', `{ applyTo: HTTP_FILTER, patch: { operation: INSERT_FIRST, value: { name: envoy.filters.http.lua } } }`), 'CI105', /Envoy filter: workload selector specified without labels, will be applied to all services in namespace/],
  ['a match on a deprecated filter name', EF('', `{ applyTo: HTTP_FILTER, match: { listener: { filterChain: { filter: { name: envoy.filters.network.http_connection_manager, subFilter: { name: envoy.router } } } } }, patch: { operation: INSERT_BEFORE, value: { name: envoy.filters.http.lua } } }`), EF('', `{ applyTo: HTTP_FILTER, match: { listener: { filterChain: { filter: { name: envoy.filters.network.http_connection_manager, subFilter: { name: envoy.filters.http.router } } } } }, patch: { operation: INSERT_BEFORE, value: { name: envoy.filters.http.lua } } }`), 'CI105', /using deprecated filter name "envoy.router"; use "envoy.filters.http.router" instead/],
  ['a v2 xDS type', EF('', `{ applyTo: HTTP_FILTER, patch: { operation: INSERT_FIRST, value: { name: envoy.filters.http.lua, typed_config: { "@type": type.googleapis.com/envoy.config.filter.http.lua.v2.Lua, inlineCode: "" } } } }`), EF('', `{ applyTo: HTTP_FILTER, patch: { operation: INSERT_FIRST, value: { name: envoy.filters.http.lua, typed_config: { "@type": type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua, inlineCode: "" } } } }`), 'CI104', /referenced type unknown \(hint: try using the v3 XDS API\)/],
  // WorkloadGroup readiness probes
  ['a probe without method', WG('periodSeconds: 5'), WG('periodSeconds: 5, tcpSocket: { port: 8080 }'), 'CI104', /unknown health check method/],
  ['an exec probe without command', WG('exec: { command: [] }'), WG('exec: { command: [/bin/true] }'), 'CI104', /exec.command is required/],
  ['a probe header name with an underscore', WG('httpGet: { port: 8080, httpHeaders: [{ name: x_token, value: a }] }'), WG('httpGet: { port: 8080, httpHeaders: [{ name: x-token, value: a }] }'), 'CI104', /header name x_token is not a valid header name/],
  // DestinationRule traffic policies
  ['a connection pool with neither http nor tcp', DR('connectionPool: {}'), DR('connectionPool: { tcp: { maxConnections: 100 } }'), 'CI104', /connection pool must have at least one field/],
  ['a negative pending request limit', DR('connectionPool: { http: { http1MaxPendingRequests: -1 } }'), DR('connectionPool: { http: { http1MaxPendingRequests: 0 } }'), 'CI104', /http1 max pending requests must be non-negative/],
  ['client protocol with an H2 upgrade', DR('connectionPool: { http: { h2UpgradePolicy: UPGRADE, useClientProtocol: true } }'), DR('connectionPool: { http: { h2UpgradePolicy: UPGRADE } }'), 'CI104', /use client protocol must not be true when H2UpgradePolicy is UPGRADE/],
  ['a TCP connect timeout below ms precision', DR('connectionPool: { tcp: { connectTimeout: 1.0005s } }'), DR('connectionPool: { tcp: { connectTimeout: 1.5s, idleTimeout: 0s } }'), 'CI104', /only durations to ms precision are supported/],
  ['an HTTP cookie hash with an empty name (the schema requires the field)', DR('loadBalancer: { consistentHash: { httpCookie: { name: "", ttl: 0s } } }'), DR('loadBalancer: { consistentHash: { httpCookie: { name: user, ttl: 0s } } }'), 'CI104', /name required for HttpCookie/],
  ['a cookie attribute named twice', DR('loadBalancer: { consistentHash: { httpCookie: { name: user, attributes: [{ name: SameSite, value: Lax }, { name: SameSite, value: Strict }] } } }'), DR('loadBalancer: { consistentHash: { httpCookie: { name: user, attributes: [{ name: SameSite, value: Lax }, { name: Secure }] } } }'), 'CI104', /duplicate cookie attribute name: SameSite/],
  ['a Maglev table size that is not prime', DR('loadBalancer: { consistentHash: { useSourceIp: true, maglev: { tableSize: 65536 } } }'), DR('loadBalancer: { consistentHash: { useSourceIp: true, maglev: { tableSize: 65537 } } }'), 'CI104', /tableSize must be a prime number for maglev/],
  ['the deprecated minimum ring size', DR('loadBalancer: { consistentHash: { useSourceIp: true, minimumRingSize: 1024 } }'), DR('loadBalancer: { consistentHash: { useSourceIp: true, ringHash: { minimumRingSize: 1024 } } }'), 'CI105', /consistent hash MinimumRingSize is deprecated/],
  ['locality weights that do not add up to 100', DR('loadBalancer: { localityLbSetting: { distribute: [{ from: us-east/*, to: { us-east/*: 80, us-west/*: 10 } }] } }'), DR('loadBalancer: { localityLbSetting: { distribute: [{ from: us-east/*, to: { us-east/*: 90, us-west/*: 10 } }] } }'), 'CI104', /total locality weight 90 != 100/],
  ['overlapping localities', DR('loadBalancer: { localityLbSetting: { distribute: [{ from: us-east/*, to: { us-east: 50, us-east/a: 50 } }] } }'), DR('loadBalancer: { localityLbSetting: { distribute: [{ from: us-east/*, to: { us-east/a: 50, us-east/b: 50 } }] } }'), 'CI104', /locality us-east\/a overlap with previous specified ones/],
  ['a failover within one region', DR('outlierDetection: { consecutive5xxErrors: 5 }, loadBalancer: { localityLbSetting: { failover: [{ from: us-east, to: us-east }] } }'), DR('outlierDetection: { consecutive5xxErrors: 5 }, loadBalancer: { localityLbSetting: { failover: [{ from: us-east, to: us-west }] } }'), 'CI104', /locality lb failover settings must specify different regions/],
  ['failover without outlier detection', DR('loadBalancer: { localityLbSetting: { failover: [{ from: us-east, to: us-west }] } }'), DR('outlierDetection: { consecutive5xxErrors: 5 }, loadBalancer: { localityLbSetting: { failover: [{ from: us-east, to: us-west }] } }'), 'CI105', /outlier detection policy must be provided for failover/],
  ['failover beside a topology failover priority', DR('outlierDetection: { consecutive5xxErrors: 5 }, loadBalancer: { localityLbSetting: { failover: [{ from: us-east, to: us-west }], failoverPriority: [topology.kubernetes.io/zone] } }'), DR('outlierDetection: { consecutive5xxErrors: 5 }, loadBalancer: { localityLbSetting: { failover: [{ from: us-east, to: us-west }], failoverPriority: [example.com/rack] } }'), 'CI104', /can not simultaneously set 'failover' and topology label 'topology.kubernetes.io\/zone'/],
  ['a tunnel to a host that is not one', DR('tunnel: { protocol: CONNECT, targetHost: "bad host", targetPort: 8080 }'), DR('tunnel: { protocol: CONNECT, targetHost: egress.example.com, targetPort: 8080 }'), 'CI104', /tunnel target host must be valid FQDN or IP address/],
  ['a tunnel beside the PROXY protocol', DR('tunnel: { targetHost: 10.0.0.1, targetPort: 8080 }, proxyProtocol: { version: V2 }'), DR('proxyProtocol: { version: V2 }'), 'CI104', /tunnel and proxyProtocol must not be set together/],
  ['a source label value with a space', HTTP('match: [{ sourceLabels: { app: "web app" } }]'), HTTP('match: [{ sourceLabels: { app: web-app } }]'), 'CI104', /invalid tag value: "web app"/],
  ['a source label name longer than 63', HTTP(`match: [{ sourceLabels: { ${'a'.repeat(64)}: web } }]`), HTTP(`match: [{ sourceLabels: { ${'a'.repeat(63)}: web } }]`), 'CI104', /\(name is too long\)/],
  ['a match gateway with an empty name', HTTP('match: [{ gateways: ["shop/"] }]').replace('hosts: [ratings]', 'hosts: [ratings], gateways: [shop/edge]'), HTTP('match: [{ gateways: [shop/edge] }]').replace('hosts: [ratings]', 'hosts: [ratings], gateways: [shop/edge]'), 'CI104', /config namespace and gateway name cannot be empty/],
  ['a gateway name that is not a DNS name', HTTP('match: [{ uri: { prefix: / } }]').replace('hosts: [ratings]', 'hosts: [ratings], gateways: [edge_gw]'), HTTP('match: [{ uri: { prefix: / } }]').replace('hosts: [ratings]', 'hosts: [ratings], gateways: [edge-gw]'), 'CI104', /invalid gateway name "edge_gw"/],
  ['an SNI host with a partial wildcard', TLS_VS(`{ match: [{ sniHosts: ["a*.example.com"] }], ${TO} }`), TLS_VS(`{ match: [{ sniHosts: ["*.example.com"] }], ${TO} }`), 'CI104', /domain name "a\*.example.com" invalid/],
  ['a negative idle connection count', DR('connectionPool: { http: { maxRetries: -1 } }'), DR('connectionPool: { http: { maxRetries: 3, idleTimeout: 30s } }'), 'CI104', /max retries must be non-negative/],
  ['a cookie attribute without name', DR('loadBalancer: { consistentHash: { httpCookie: { name: user, attributes: [{ name: "", value: Lax }] } } }'), DR('loadBalancer: { consistentHash: { httpCookie: { name: user, attributes: [{ name: SameSite, value: Lax }] } } }'), 'CI104', /cookie attribute name cannot be empty/],
  ['a minimum ring size beside Maglev', DR('loadBalancer: { consistentHash: { useSourceIp: true, minimumRingSize: 1024, maglev: { tableSize: 65537 } } }'), DR('loadBalancer: { consistentHash: { useSourceIp: true, maglev: { tableSize: 65537 } } }'), 'CI104', /only one of MinimumRingSize or Maglev\/Ringhash can be specified/],
  ['a Maglev table of 5000011 entries or more', DR('loadBalancer: { consistentHash: { useSourceIp: true, maglev: { tableSize: 5000011 } } }'), DR('loadBalancer: { consistentHash: { useSourceIp: true, maglev: { tableSize: 4999999 } } }'), 'CI104', /tableSize must be less than 5000011 for maglev/],
  ['a locality weight above 100', DR('loadBalancer: { localityLbSetting: { distribute: [{ from: us-east/*, to: { us-east/*: 101 } }] } }'), DR('loadBalancer: { localityLbSetting: { distribute: [{ from: us-east/*, to: { us-east/*: 100 } }] } }'), 'CI104', /locality weight must be in range \[1, 100\]/],
  ['a wildcard inside a locality', DR('loadBalancer: { localityLbSetting: { distribute: [{ from: "us-*/a", to: { us-east/*: 100 } }] } }'), DR('loadBalancer: { localityLbSetting: { distribute: [{ from: "us-east/*", to: { us-east/*: 100 } }] } }'), 'CI104', /locality us-\*\/a wildcard '\*' number can not exceed 1 and must be in the end/],
  ['a locality with an empty zone', DR('loadBalancer: { localityLbSetting: { distribute: [{ from: "us-east//a", to: { us-east/*: 100 } }] } }'), DR('loadBalancer: { localityLbSetting: { distribute: [{ from: "us-east/b/a", to: { us-east/*: 100 } }] } }'), 'CI104', /must not contain empty region\/zone\/subzone info/],
  ['a failover between zones', DR('outlierDetection: { consecutive5xxErrors: 5 }, loadBalancer: { localityLbSetting: { failover: [{ from: us-east/a, to: us-west }] } }'), DR('outlierDetection: { consecutive5xxErrors: 5 }, loadBalancer: { localityLbSetting: { failover: [{ from: us-east, to: us-west }] } }'), 'CI104', /locality lb failover only specify region/],
  ['a tunnel over another protocol', DR('tunnel: { protocol: GET, targetHost: egress.example.com, targetPort: 8080 }'), DR('tunnel: { protocol: POST, targetHost: egress.example.com, targetPort: 8080 }'), 'CI104', /tunnel protocol must be "CONNECT" or "POST"/],
  ['a tunnel to port 0', DR('tunnel: { targetHost: egress.example.com, targetPort: 0 }'), DR('tunnel: { targetHost: egress.example.com, targetPort: 1 }'), 'CI104', /tunnel target port is invalid/],
  ['skipping verification beside a CA', DR('tls: { mode: SIMPLE, insecureSkipVerify: true, caCertificates: /etc/ca.pem }'), DR('tls: { mode: SIMPLE, insecureSkipVerify: true }'), 'CI104', /cannot specify CaCertificates or CredentialName or SubjectAltNames when InsecureSkipVerify is set true/],
  ['MUTUAL skipping verification beside SANs', DR('tls: { mode: MUTUAL, insecureSkipVerify: true, credentialName: client, subjectAltNames: [a.example.com] }'), DR('tls: { mode: MUTUAL, insecureSkipVerify: true, credentialName: client }'), 'CI104', /cannot specify CaCertificates or SubjectAltNames when InsecureSkipVerify is set true/],
  ['a credential beside certificate files', DR('tls: { mode: SIMPLE, credentialName: ca, caCertificates: /etc/ca.pem }'), DR('tls: { mode: SIMPLE, credentialName: ca }'), 'CI104', /cannot specify client certificates or CA certificate or CA CRL If credentialName is set/],
  ['MUTUAL without client certificate and key', DR('tls: { mode: MUTUAL, caCertificates: /etc/ca.pem }'), DR('tls: { mode: MUTUAL, caCertificates: /etc/ca.pem, clientCertificate: /etc/c.pem, privateKey: /etc/k.pem }'), 'CI104', /client certificate required for mutual tls/],
  ['a configmap credential of another namespace', DR('tls: { mode: SIMPLE, credentialName: "configmap://other/ca" }'), DR('tls: { mode: SIMPLE, credentialName: "configmap://shop/ca" }'), 'CI104', /namespace must match the configuration namespace "shop"/],
  ['a configmap credential without name', DR('tls: { mode: SIMPLE, credentialName: "configmap://shop" }'), DR('tls: { mode: SIMPLE, credentialName: "configmap://shop/ca" }'), 'CI104', /Expected namespace and name/],
  ['a port-level MUTUAL without key', DR('portLevelSettings: [{ port: { number: 443 }, tls: { mode: MUTUAL, clientCertificate: /etc/c.pem } }]'), DR('portLevelSettings: [{ port: { number: 443 }, tls: { mode: MUTUAL, clientCertificate: /etc/c.pem, privateKey: /etc/k.pem } }]'), 'CI104', /private key required for mutual tls/],
  ['a port-level connection pool with a negative limit', DR('portLevelSettings: [{ port: { number: 80 }, connectionPool: { tcp: { maxConnections: -1 } } }]'), DR('portLevelSettings: [{ port: { number: 80 }, connectionPool: { tcp: { maxConnections: 1 } } }]'), 'CI104', /max connections must be non-negative/],
];

describe("istiod's validating webhook: values, matches, L4 routes and traffic policies", () => {
  test.each(PAIRS)('%s', (_name, bad, good, code, message) => expectWebhookPair(bad, good, code, message));
});
