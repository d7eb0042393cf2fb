import { expectWebhookPair, WebhookPair } from '../helpers';

// Bad/good pairs written for this project after istiod's ServiceEntry and WorkloadEntry validation
// (Istio 1.30). Each bad input is one the CRD's schema and CEL rules accept, so the webhook rule is what
// refuses it (CI104) or warns about it (CI105); its good twin gets neither.

// Bad/good pairs written for this project after istiod's ServiceEntry and WorkloadEntry validation
// (Istio 1.30). Each bad input is one the CRD's schema and CEL rules accept, so the webhook rule is what
// refuses it (CI104) or warns about it (CI105); its good twin gets neither.

const SE = (spec: string, labels = '') => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: api, namespace: shop${labels ? `, labels: { ${labels} }` : ''} }
spec: { location: MESH_EXTERNAL, ${spec} }`;

const HTTPS = 'ports: [{ number: 443, name: https, protocol: HTTPS }]';

const WE = (spec: string) => `apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: { name: vm, namespace: shop }
spec: { ${spec} }`;

const PAIRS: WebhookPair[] = [
  ['a workload selector without labels', SE(`hosts: [a.example.com], resolution: STATIC, workloadSelector: {}, ${HTTPS}`), SE(`hosts: [a.example.com], resolution: STATIC, workloadSelector: { labels: { app: a } }, ${HTTPS}`), 'CI105', /service entry: workload selector specified without labels, will be applied to all services in namespace/],
  ['a host that is not a domain name', SE(`hosts: [a_b.example.com], resolution: DNS, ${HTTPS}`), SE(`hosts: [a-b.example.com], resolution: DNS, ${HTTPS}`), 'CI104', /domain name "a_b.example.com" invalid/],
  ['a partial wildcard host', SE(`hosts: ["*a.example.com"], resolution: NONE, ${HTTPS}`), SE(`hosts: ["*.example.com"], resolution: NONE, ${HTTPS}`), 'CI105', /partial wildcard "\*a.example.com" not allowed/],
  ['an address that is not one', SE(`hosts: [a.example.com], addresses: [1.2.3.400], resolution: DNS, ${HTTPS}`), SE(`hosts: [a.example.com], addresses: [1.2.3.4], resolution: DNS, ${HTTPS}`), 'CI104', /1.2.3.400 is not a valid IP/],
  ['a TCP port without address or auto-allocation', SE('hosts: [db.example.com], resolution: NONE, ports: [{ number: 5432, name: tcp, protocol: TCP }]'), SE('hosts: [db.example.com], addresses: [10.0.0.5], resolution: NONE, ports: [{ number: 5432, name: tcp, protocol: TCP }]'), 'CI105', /addresses are required for ports serving TCP \(or unset\) protocol when IP Autoallocation is not enabled/],
  ['auto-allocation turned off for a TCP port', SE('hosts: [db.example.com], resolution: DNS, ports: [{ number: 5432, name: tcp }]', 'networking.istio.io/enable-autoallocate-ip: "false"'), SE('hosts: [db.example.com], resolution: DNS, ports: [{ number: 5432, name: tcp }]'), 'CI105', /addresses are required for ports serving TCP/],
  ['a port name that is not a DNS label', SE('hosts: [a.example.com], resolution: DNS, ports: [{ number: 443, name: HTTPS_port, protocol: HTTPS }]'), SE('hosts: [a.example.com], resolution: DNS, ports: [{ number: 443, name: HTTPS-port, protocol: HTTPS }]'), 'CI104', /invalid port name: HTTPS_port/],
  ['a protocol Istio does not know', SE('hosts: [a.example.com], resolution: DNS, ports: [{ number: 443, name: https, protocol: HTTPX }]'), SE('hosts: [a.example.com], resolution: DNS, ports: [{ number: 443, name: https, protocol: https }]'), 'CI104', /unsupported protocol: HTTPX/],
  ['a workload selector with resolution NONE', SE(`hosts: [a.example.com], resolution: NONE, workloadSelector: { labels: { app: a } }, ${HTTPS}`), SE(`hosts: [a.example.com], resolution: STATIC, workloadSelector: { labels: { app: a } }, ${HTTPS}`), 'CI105', /workloadSelector should not be set when resolution mode is NONE/],
  ['a STATIC endpoint with a host name', SE(`hosts: [a.example.com], resolution: STATIC, endpoints: [{ address: api.example.com }], ${HTTPS}`), SE(`hosts: [a.example.com], resolution: STATIC, endpoints: [{ address: 10.0.0.1 }], ${HTTPS}`), 'CI104', /endpoint address "api.example.com" is not a valid IP address/],
  ['a unix endpoint behind two ports', SE('hosts: [a.example.com], resolution: STATIC, endpoints: [{ address: "unix:///var/run/a.sock" }], ports: [{ number: 80, name: http, protocol: HTTP }, { number: 443, name: https, protocol: HTTPS }]'), SE('hosts: [a.example.com], resolution: STATIC, endpoints: [{ address: "unix:///var/run/a.sock" }], ports: [{ number: 80, name: http, protocol: HTTP }]'), 'CI104', /exactly 1 service port required for unix endpoints/],
  ['a STATIC endpoint port the entry does not define', SE(`hosts: [a.example.com], resolution: STATIC, endpoints: [{ address: 10.0.0.1, ports: { http: 8080 } }], ${HTTPS}`), SE(`hosts: [a.example.com], resolution: STATIC, endpoints: [{ address: 10.0.0.1, ports: { https: 8443 } }], ${HTTPS}`), 'CI104', /endpoint port 8080 is not defined by the service entry/],
  ['a DNS entry for a wildcard without endpoints', SE(`hosts: ["*.example.com"], resolution: DNS, ${HTTPS}`), SE(`hosts: ["*.example.com"], resolution: DNS, endpoints: [{ address: proxy.example.com }], ${HTTPS}`), 'CI104', /hosts must be FQDN or contain only prefix wildcards if no endpoints are provided for resolution mode DNS/],
  ['a DNS endpoint label key with a space', SE(`hosts: [a.example.com], resolution: DNS, endpoints: [{ address: a.example.com, labels: { "a b": c } }], ${HTTPS}`), SE(`hosts: [a.example.com], resolution: DNS, endpoints: [{ address: a.example.com, labels: { a-b: c } }], ${HTTPS}`), 'CI104', /invalid tag key: "a b"/],
  ['a DNS endpoint address that is neither host nor IP', SE(`hosts: [a.example.com], resolution: DNS, endpoints: [{ address: "a example.com" }], ${HTTPS}`), SE(`hosts: [a.example.com], resolution: DNS, endpoints: [{ address: a.example.com }], ${HTTPS}`), 'CI104', /endpoint address "a example.com" is not a valid FQDN or an IP address/],
  ['several hosts, an address and a TCP port', SE('hosts: [a.example.com, b.example.com], addresses: [10.0.0.1], resolution: DNS, ports: [{ number: 443, name: tls, protocol: TLS }]'), SE('hosts: [a.example.com], addresses: [10.0.0.1], resolution: DNS, ports: [{ number: 443, name: tls, protocol: TLS }]'), 'CI105', /service entry can not have more than one host specified simultaneously with address and tcp port/],
  ['DYNAMIC_DNS for a host without wildcard', SE('hosts: [a.example.com], resolution: DYNAMIC_DNS, ports: [{ number: 443, name: tls, protocol: TLS }]'), SE('hosts: ["*.example.com"], resolution: DYNAMIC_DNS, ports: [{ number: 443, name: tls, protocol: TLS }]'), 'CI104', /host must be wildcarded for resolution mode DYNAMIC_DNS/],
  ['DYNAMIC_DNS with addresses', SE('hosts: ["*.example.com"], addresses: [10.0.0.1], resolution: DYNAMIC_DNS, ports: [{ number: 80, name: http, protocol: HTTP }]'), SE('hosts: ["*.example.com"], resolution: DYNAMIC_DNS, ports: [{ number: 80, name: http, protocol: HTTP }]'), 'CI104', /addresses cannot be set for resolution type DYNAMIC_DNS/],
  ['DYNAMIC_DNS with endpoints', SE('hosts: ["*.example.com"], endpoints: [{ address: a.example.com }], resolution: DYNAMIC_DNS, ports: [{ number: 80, name: http, protocol: HTTP }]'), SE('hosts: ["*.example.com"], resolution: DYNAMIC_DNS, ports: [{ number: 80, name: http, protocol: HTTP }]'), 'CI104', /endpoints cannot be set for resolution type DYNAMIC_DNS/],
  ['DYNAMIC_DNS on a TCP port', SE('hosts: ["*.example.com"], resolution: DYNAMIC_DNS, ports: [{ number: 5432, name: tcp, protocol: TCP }]'), SE('hosts: ["*.example.com"], resolution: DYNAMIC_DNS, ports: [{ number: 8080, name: grpc, protocol: GRPC }]'), 'CI104', /only HTTP, TLS, GRPC, and HTTP2 protocols are supported for resolution type DYNAMIC_DNS/],
  ['DYNAMIC_DNS inside the mesh through a waypoint', SE('hosts: ["*.example.com"], resolution: DYNAMIC_DNS, ports: [{ number: 80, name: http, protocol: HTTP }]', 'istio.io/use-waypoint: egress').replace('MESH_EXTERNAL', 'MESH_INTERNAL'), SE('hosts: ["*.example.com"], resolution: DYNAMIC_DNS, ports: [{ number: 80, name: http, protocol: HTTP }]', 'istio.io/use-waypoint: egress'), 'CI104', /location MESH_INTERNAL with resolution type DYNAMIC_DNS is not supported when using waypoints/],
  // WorkloadEntry
  ['a WorkloadEntry label value with a space', WE('address: 10.0.0.1, labels: { app: "a b" }'), WE('address: 10.0.0.1, labels: { app: a-b }'), 'CI104', /invalid tag value: "a b"/],
];

describe("istiod's validating webhook: ServiceEntry and WorkloadEntry", () => {
  test.each(PAIRS)('%s', (_name, bad, good, code, message) => expectWebhookPair(bad, good, code, message));
});
