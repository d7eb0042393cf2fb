import { Manifest } from '../read/manifest';
import { serverTls } from './gateway';
import { connectionPool } from './destination-rule';
import { emptySelector, HTTP_PROTOCOLS, ipAddress, portName, protocol, splitHostPort, TLS_PROTOCOLS, unixAddress } from './values';
import { destination, list, namespacedHost, Path, port, Verdict } from './verdict';

// istiod's webhook rules for Sidecar (Istio 1.30 pkg/config/validation/validation.go): listeners, their
// ports, binds, default endpoints, TLS and connection pools, egress hosts and the egress proxy.

const LOCAL_HOSTS = new Set(['127.0.0.1', '0.0.0.0', '::1', '::']);

/** A listener port: optional DNS-label name, a protocol Istio knows, a number in range unless a unix socket. */
function listenerPort(v: Verdict, path: Path, p: any, unixSocket: boolean): void {
  // the name is optional
  if (p.name !== '') portName(v, [...path, 'name'], p.name);
  protocol(v, [...path, 'protocol'], p.protocol);
  if (!unixSocket) port(v, [...path, 'number'], p.number ?? 0);
  if (p.targetPort > 0) v.error([...path, 'targetPort'], 'targetPort has no impact on Sidecars');
}

/** `127.0.0.1:<port>`, `0.0.0.0:<port>`, `[::1]:<port>`, `[::]:<port>`, `:<port>` or `unix://<path>`. */
function defaultEndpoint(v: Verdict, path: Path, endpoint: string): void {
  if (endpoint.startsWith('unix://')) return unixAddress(v, path, endpoint);
  const split = splitHostPort(endpoint);
  if (!split) return v.error(path, `address ${endpoint}: missing port in address`);
  const [host, number] = split;
  if (host !== '' && !LOCAL_HOSTS.has(host)) {
    v.error(path, 'sidecar: defaultEndpoint must be of form 127.0.0.1:<port>,0.0.0.0:<port>,[::1]:port,[::]:port,unix://filepath or unset');
  }
  if (!/^[+-]?\d+$/.test(number)) v.error(path, `sidecar: defaultEndpoint port (${number}) is not a number`);
  else port(v, path, Number(number));
}

const INGRESS_TLS_UNSUPPORTED: ReadonlyArray<[string, string]> = [
  ['subjectAltNames', 'sidecar: subjectAltNames is not supported in ingress tls'], ['httpsRedirect', 'sidecar: httpsRedirect is not supported'],
  ['credentialName', 'sidecar: credentialName is not currently supported'], ['credentialNames', 'sidecar: credentialNames is not currently supported'],
  ['tlsCertificates', 'sidecar: tls_certificates is not currently supported'],
];

function ingressTls(v: Verdict, path: Path, tls: any, protocol: string): void {
  for (const [field, message] of INGRESS_TLS_UNSUPPORTED) {
    if (Array.isArray(tls[field]) ? tls[field].length > 0 : Boolean(tls[field])) v.error([...path, field], message);
  }
  if (tls.mode === 'ISTIO_MUTUAL' || tls.mode === 'AUTO_PASSTHROUGH') v.error([...path, 'mode'], `configuration is invalid: cannot set mode to ${tls.mode} in sidecar ingress tls`);
  if (!TLS_PROTOCOLS.has(protocol)) v.error(path, 'server cannot have TLS settings for non HTTPS/TLS ports');
  serverTls(v, path, tls);
}

function sidecarIngress(v: Verdict, ingress: any[]): void {
  const ports = new Set<number>();
  // the CRD requires each ingress listener's port
  ingress.forEach((listener, i) => {
    const at = ['spec', 'ingress', i];
    const protocol = String(listener.port.protocol ?? '').toLowerCase();
    listenerPort(v, [...at, 'port'], listener.port, false);
    ipAddress(v, [...at, 'bind'], listener.bind);
    if (ports.has(listener.port.number)) v.error([...at, 'port', 'number'], 'sidecar: ports on IP bound listeners must be unique');
    ports.add(listener.port.number);
    if (typeof listener.defaultEndpoint === 'string' && listener.defaultEndpoint !== '') defaultEndpoint(v, [...at, 'defaultEndpoint'], listener.defaultEndpoint);
    if (listener.tls && typeof listener.tls === 'object') ingressTls(v, [...at, 'tls'], listener.tls, protocol);
    if (listener.connectionPool) {
      connectionPool(v, [...at, 'connectionPool'], listener.connectionPool);
      if (listener.connectionPool.http && !HTTP_PROTOCOLS.has(protocol)) {
        v.warning([...at, 'connectionPool', 'http'], `sidecar: HTTP connection pool settings are configured for port ${listener.port.number} ("${listener.port.name ?? ''}") but its protocol is not HTTP (${listener.port.protocol ?? ''}); only TCP settings will apply`);
      }
    }
  });
}

/** Duplicate `ns/host` entries of one egress listener (a warning), and `*\/*` beside other namespaces. */
function sidecarEgressHosts(v: Verdict, path: Path, hosts: unknown[], namespace: string): void {
  const byNamespace = new Map<string, Set<string>>();
  for (const host of hosts) {
    if (typeof host !== 'string' || !host.includes('/')) continue;
    const [rawNs, service] = [host.slice(0, host.indexOf('/')), host.slice(host.indexOf('/') + 1)];
    const ns = rawNs === '.' ? namespace : rawNs;
    const services = byNamespace.get(ns) ?? new Set<string>();
    if (service !== '*' ? services.has(service) || services.has('*') : services.size > 0) v.warning(path, `duplicated egress host: ${host}`);
    services.add(service);
    byNamespace.set(ns, services);
  }
  if (byNamespace.get('*')?.has('*') && byNamespace.size !== 1) v.warning(path, '`*/*` host select all resources, no other hosts can be added');
}

/** A listener on port 0 is a unix socket: its bind is `unix://<path>`, unique, captured by DEFAULT or NONE. */
function egressPort(v: Verdict, at: Path, listener: any, sockets: Set<string>, ports: Set<number>): void {
  const number = listener.port.number ?? 0;
  listenerPort(v, [...at, 'port'], listener.port, number === 0);
  if (number !== 0) {
    ipAddress(v, [...at, 'bind'], listener.bind);
    if (ports.has(number)) v.error([...at, 'port', 'number'], 'sidecar: ports on IP bound listeners must be unique');
    ports.add(number);
    return;
  }
  const bind = String(listener.bind ?? '');
  if (!bind.startsWith('unix://')) v.error([...at, 'port', 'number'], 'sidecar: ports with 0 value must have a unix domain socket bind address');
  else unixAddress(v, [...at, 'bind'], bind);
  if (listener.captureMode && !['DEFAULT', 'NONE'].includes(listener.captureMode)) {
    v.error([...at, 'captureMode'], 'sidecar: captureMode must be DEFAULT/NONE for unix domain socket listeners');
  }
  if (sockets.has(bind)) v.error([...at, 'bind'], 'sidecar: unix domain socket values for listeners must be unique');
  sockets.add(bind);
}

function sidecarEgress(v: Verdict, egress: any[], namespace: string): void {
  const ports = new Set<number>();
  const sockets = new Set<string>();
  let catchAll = false;
  egress.forEach((listener, i) => {
    if (!listener || typeof listener !== 'object') return;
    const at = ['spec', 'egress', i];
    if (!listener.port) {
      if (catchAll) v.error(at, 'sidecar: egress can have only one listener with empty port');
      else if (i !== egress.length - 1) v.error(at, 'sidecar: the egress listener with empty port should be the last listener in the list');
      catchAll = true;
    } else {
      egressPort(v, at, listener, sockets, ports);
    }
    if (list(listener.hosts).length === 0) v.error([...at, 'hosts'], 'sidecar: egress listener must contain at least one host');
    list(listener.hosts).forEach((host, j) => {
      if (typeof host === 'string') namespacedHost(v, [...at, 'hosts', j], host, false);
    });
    sidecarEgressHosts(v, [...at, 'hosts'], list(listener.hosts), namespace);
  });
}

function egressProxy(v: Verdict, policy: any): void {
  const path = ['spec', 'outboundTrafficPolicy', 'egressProxy'];
  const proxy = policy.egressProxy;
  if (policy.mode !== 'ALLOW_ANY') return v.error(path, 'sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode');
  // a destination's host may be a wildcard, the egress proxy's not; `destination` reports the rest
  if (typeof proxy.host === 'string' && proxy.host.includes('*')) v.error([...path, 'host'], `domain name "${proxy.host}" invalid: the egress proxy needs an FQDN`);
  if (!proxy.port) return v.error(path, 'sidecar: egress_proxy port must be non-nil');
  destination(v, path, proxy);
}

export function sidecar(v: Verdict, m: Manifest): void {
  const spec = m.object.spec ?? {};
  emptySelector(v, ['spec', 'workloadSelector'], spec.workloadSelector, 'labels', 'sidecar: ');
  if (list(spec.egress).length === 0 && list(spec.ingress).length === 0 && !spec.outboundTrafficPolicy && !spec.inboundConnectionPool) {
    v.error(['spec'], 'sidecar: empty configuration provided');
  }
  sidecarIngress(v, list(spec.ingress));
  if (spec.inboundConnectionPool) connectionPool(v, ['spec', 'inboundConnectionPool'], spec.inboundConnectionPool);
  sidecarEgress(v, list(spec.egress), m.namespace);
  if (spec.outboundTrafficPolicy?.egressProxy) egressProxy(v, spec.outboundTrafficPolicy);
}
