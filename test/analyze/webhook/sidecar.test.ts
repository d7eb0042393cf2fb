import { expectWebhookPair, WebhookPair } from '../helpers';

// Bad/good pairs written for this project after istiod's Sidecar validation (Istio 1.30). Each bad input
// is one the CRD's schema and CEL rules accept, so the webhook rule is what refuses it (CI104) or warns
// about it (CI105); its good twin gets neither.

// Bad/good pairs written for this project after istiod's Sidecar validation (Istio 1.30). Each bad input
// is one the CRD's schema and CEL rules accept, so the webhook rule is what refuses it (CI104) or warns
// about it (CI105); its good twin gets neither.

const SC = (spec: string) => `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: web, namespace: shop }
spec: { ${spec} }`;

const IN = (port: string, extra = '') => SC(`ingress: [{ port: { ${port} }${extra} }]`);

const HTTP = 'number: 9080, name: http, protocol: HTTP';

const HTTPS = 'number: 9443, name: https, protocol: HTTPS';

const CERT = 'serverCertificate: /etc/c.pem, privateKey: /etc/k.pem';

const OUT = (extra: string, port = HTTP) => SC(`egress: [{ port: { ${port} }, hosts: ["./*"]${extra} }]`);

const PAIRS: WebhookPair[] = [
  ['a workload selector without labels', SC('workloadSelector: {}, egress: [{ hosts: ["./*"] }]'), SC('workloadSelector: { labels: { app: web } }, egress: [{ hosts: ["./*"] }]'), 'CI105', /sidecar: workload selector specified without labels, will be applied to all services in namespace/],
  ['an ingress port name that is no DNS label', IN('number: 9080, name: Http_1, protocol: HTTP'), IN('number: 9080, name: http-1, protocol: HTTP'), 'CI104', /invalid port name: Http_1/],
  ['an ingress protocol Istio does not know', IN('number: 9080, name: http, protocol: HTTPX'), IN('number: 9080, name: http, protocol: http'), 'CI104', /unsupported protocol: HTTPX/],
  ['an ingress bind that is no IP', IN(HTTP, ', bind: localhost'), IN(HTTP, ', bind: 127.0.0.1'), 'CI104', /localhost is not a valid IP/],
  ['a default endpoint on another host', IN(HTTP, ', defaultEndpoint: "10.0.0.1:8080"'), IN(HTTP, ', defaultEndpoint: "[::1]:8080"'), 'CI104', /defaultEndpoint must be of form 127.0.0.1:<port>/],
  ['a default endpoint without port', IN(HTTP, ', defaultEndpoint: "127.0.0.1"'), IN(HTTP, ', defaultEndpoint: ":8080"'), 'CI104', /missing port in address/],
  ['a default endpoint on port 0', IN(HTTP, ', defaultEndpoint: "127.0.0.1:0"'), IN(HTTP, ', defaultEndpoint: "0.0.0.0:8080"'), 'CI104', /port number 0 must be in the range 1..65535/],
  ['a default endpoint on a relative socket path', IN(HTTP, ', defaultEndpoint: "unix://app.sock"'), IN(HTTP, ', defaultEndpoint: "unix:///var/run/app.sock"'), 'CI104', /app.sock is not an absolute path to a file/],
  ['ingress TLS with SANs', IN(HTTPS, `, tls: { mode: SIMPLE, ${CERT}, subjectAltNames: [a.example.com] }`), IN(HTTPS, `, tls: { mode: SIMPLE, ${CERT} }`), 'CI104', /sidecar: subjectAltNames is not supported in ingress tls/],
  ['ingress TLS with an HTTPS redirect', IN(HTTPS, `, tls: { mode: SIMPLE, ${CERT}, httpsRedirect: true }`), IN(HTTPS, `, tls: { mode: SIMPLE, ${CERT} }`), 'CI104', /sidecar: httpsRedirect is not supported/],
  ['ingress TLS from a credential', IN(HTTPS, ', tls: { mode: SIMPLE, credentialName: web-cert }'), IN(HTTPS, `, tls: { mode: SIMPLE, ${CERT} }`), 'CI104', /sidecar: credentialName is not currently supported/],
  ['ingress TLS in ISTIO_MUTUAL mode', IN(HTTPS, ', tls: { mode: ISTIO_MUTUAL }'), IN(HTTPS, `, tls: { mode: MUTUAL, ${CERT}, caCertificates: /etc/ca.pem }`), 'CI104', /cannot set mode to ISTIO_MUTUAL in sidecar ingress tls/],
  ['ingress TLS on an HTTP port', IN(HTTP, `, tls: { mode: SIMPLE, ${CERT} }`), IN(HTTPS, `, tls: { mode: SIMPLE, ${CERT} }`), 'CI104', /server cannot have TLS settings for non HTTPS\/TLS ports/],
  ['ingress SIMPLE TLS without key', IN(HTTPS, ', tls: { mode: SIMPLE, serverCertificate: /etc/c.pem }'), IN(HTTPS, `, tls: { mode: SIMPLE, ${CERT} }`), 'CI104', /SIMPLE TLS requires a private key/],
  ['an ingress connection pool with a negative limit', IN(HTTP, ', connectionPool: { tcp: { maxConnections: -1 } }'), IN(HTTP, ', connectionPool: { tcp: { maxConnections: 10 } }'), 'CI104', /max connections must be non-negative/],
  ['HTTP pool settings on a TCP port', IN('number: 9080, name: tcp, protocol: TCP', ', connectionPool: { http: { maxRetries: 1 } }'), IN('number: 9080, name: tcp, protocol: TCP', ', connectionPool: { tcp: { maxConnections: 1 } }'), 'CI105', /HTTP connection pool settings are configured for port 9080 \("tcp"\) but its protocol is not HTTP \(TCP\)/],
  ['an empty inbound connection pool', SC('inboundConnectionPool: {}'), SC('inboundConnectionPool: { http: { http1MaxPendingRequests: 10 } }'), 'CI104', /connection pool must have at least one field/],
  ['an egress port name that is no DNS label', OUT('', 'number: 9080, name: Http_1, protocol: HTTP'), OUT('', 'number: 9080, name: http-1, protocol: HTTP'), 'CI104', /invalid port name: Http_1/],
  ['an egress bind that is no IP', OUT(', bind: my-host'), OUT(', bind: "::1"'), 'CI104', /my-host is not a valid IP/],
  ['a unix socket listener on a relative path', OUT(', bind: "unix://rel.sock"', 'number: 0, name: http, protocol: HTTP'), OUT(', bind: "unix:///rel.sock"', 'number: 0, name: http, protocol: HTTP'), 'CI104', /rel.sock is not an absolute path to a file/],
  ['a unix socket listener captured by iptables', OUT(', bind: "unix:///a.sock", captureMode: IPTABLES', 'number: 0, name: http, protocol: HTTP'), OUT(', bind: "unix:///a.sock", captureMode: NONE', 'number: 0, name: http, protocol: HTTP'), 'CI104', /captureMode must be DEFAULT\/NONE for unix domain socket listeners/],
  ['two listeners on one unix socket', SC('egress: [{ port: { number: 0, name: a, protocol: HTTP }, bind: "unix:///a.sock", hosts: ["./*"] }, { port: { number: 0, name: b, protocol: HTTP }, bind: "unix:///a.sock", hosts: ["./*"] }]'), SC('egress: [{ port: { number: 0, name: a, protocol: HTTP }, bind: "unix:///a.sock", hosts: ["./*"] }, { port: { number: 0, name: b, protocol: HTTP }, bind: "unix:///b.sock", hosts: ["./*"] }]'), 'CI104', /unix domain socket values for listeners must be unique/],
  ['an egress proxy without port', SC('outboundTrafficPolicy: { mode: ALLOW_ANY, egressProxy: { host: proxy.example.com } }'), SC('outboundTrafficPolicy: { mode: ALLOW_ANY, egressProxy: { host: proxy.example.com, port: { number: 3128 } } }'), 'CI104', /sidecar: egress_proxy port must be non-nil/],
  ['an egress proxy on a wildcard host', SC('outboundTrafficPolicy: { mode: ALLOW_ANY, egressProxy: { host: "*.example.com", port: { number: 3128 } } }'), SC('outboundTrafficPolicy: { mode: ALLOW_ANY, egressProxy: { host: proxy.example.com, port: { number: 3128 } } }'), 'CI104', /the egress proxy needs an FQDN/],
  ['an egress proxy subset that is no DNS label', SC('outboundTrafficPolicy: { mode: ALLOW_ANY, egressProxy: { host: proxy.example.com, subset: a_b, port: { number: 3128 } } }'), SC('outboundTrafficPolicy: { mode: ALLOW_ANY, egressProxy: { host: proxy.example.com, subset: a-b, port: { number: 3128 } } }'), 'CI104', /subset name is invalid: a_b/],
];

describe("istiod's validating webhook: Sidecar", () => {
  test.each(PAIRS)('%s', (_name, bad, good, code, message) => expectWebhookPair(bad, good, code, message));
});
