import { Finding } from './finding';
import { Manifest } from './manifest';
import { HTTP_PROTOCOLS, PROTOCOLS, serviceEntry, TLS_PROTOCOLS, workloadEntry } from './webhook-entries';
import { envoyFilter, workloadGroup } from './webhook-extensions';
import { trafficPolicy } from './webhook-policies';
import { authorizationPolicy, requestAuthentication } from './webhook-security';
import { virtualService } from './webhook-routes';
import { DNS1123_LABEL, exportTo, list, namespacedHost, Path, port, subsetName, Verdict, wildcardDomainError } from './webhook-verdict';

/**
 * What istiod's validating webhook (`pkg/config/validation/` in Istio 1.30) refuses at `kubectl apply`
 * beyond the CRD schema and CEL rules, in the webhook's own words. The API server runs the webhook only
 * on objects its schema accepted, so these rules read well-typed objects.
 */


// ---- Gateway ------------------------------------------------------------------------------------

const ISTIO_MUTUAL_FORBIDS: ReadonlyArray<[string, string]> = [
  ['serverCertificate', 'server certificate'], ['privateKey', 'private key'], ['caCertificates', 'CA bundle'],
  ['tlsCertificates', 'tlsCertificates'], ['credentialName', 'credentialName'], ['credentialNames', 'credentialNames'],
];

function gatewayServerTls(v: Verdict, path: Path, tls: any): void {
  const has = (field: string) => (Array.isArray(tls[field]) ? tls[field].length > 0 : Boolean(tls[field]));
  if (tls.mode === 'ISTIO_MUTUAL') {
    for (const [field, label] of ISTIO_MUTUAL_FORBIDS) {
      if (has(field)) v.error([...path, field], `ISTIO_MUTUAL TLS cannot have associated ${label}`);
    }
    return;
  }
  if (isPassthrough(tls) && (has('caCrl') || ISTIO_MUTUAL_FORBIDS.some(([field]) => has(field)))) {
    v.warning(path, `${tls.mode ?? 'PASSTHROUGH'} mode does not use certificates, they will be ignored`);
  }
  const sources = [tls.serverCertificate && tls.privateKey, tls.credentialName, list(tls.credentialNames).length > 0,
    list(tls.tlsCertificates).length > 0].filter(Boolean).length;
  if (sources > 1) {
    v.error(path, 'only one of credential_name, credential_names, server_certificate/private_key, tls_certificates should be specified');
  }
  const mode = tls.mode ?? 'PASSTHROUGH';
  if (!['SIMPLE', 'MUTUAL', 'OPTIONAL_MUTUAL'].includes(mode) || tls.credentialName || list(tls.credentialNames).length > 0) return;
  const prefix = mode === 'SIMPLE' ? 'SIMPLE TLS' : 'MUTUAL TLS';
  if (prefix === 'MUTUAL TLS' && !tls.caCertificates) v.error(path, `${prefix} requires a client CA bundle`);
  const pairs = list(tls.tlsCertificates).length > 0 ? list(tls.tlsCertificates) : [tls];
  for (const pair of pairs) {
    if (!pair?.serverCertificate) v.error(path, `${prefix} requires a server certificate`);
    if (!pair?.privateKey) v.error(path, `${prefix} requires a private key`);
  }
}

function gatewayServer(v: Verdict, path: Path, server: any): void {
  if (list(server.hosts).length === 0) v.error([...path, 'hosts'], 'server config must contain at least one host');
  list(server.hosts).forEach((host, i) => {
    if (typeof host === 'string') namespacedHost(v, [...path, 'hosts', i], host, true);
  });
  const p = server.port ?? {};
  const protocol = String(p.protocol ?? '').toLowerCase();
  if (!PROTOCOLS.has(protocol)) {
    v.error([...path, 'port', 'protocol'], `invalid protocol "${p.protocol ?? ''}", supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP`);
  }
  // a unix socket server listens on no port; any other server needs one
  if (!(String(server.bind ?? '').startsWith('unix://') && !p.number)) port(v, [...path, 'port', 'number'], p.number ?? 0);
  if (p.targetPort > 0) v.error([...path, 'port', 'targetPort'], 'targetPort has no impact on Gateways');
  if (server.tls) gatewayServerTls(v, [...path, 'tls'], server.tls);
  if (TLS_PROTOCOLS.has(protocol) && !server.tls) {
    v.error(path, 'server must have TLS settings for HTTPS/TLS protocols');
  } else if (PROTOCOLS.has(protocol) && !TLS_PROTOCOLS.has(protocol) && server.tls) {
    if (!HTTP_PROTOCOLS.has(protocol)) {
      v.error([...path, 'tls'], 'server cannot have TLS settings for non HTTPS/TLS ports');
    } else if (!isPassthrough(server.tls) || server.tls.caCertificates || server.tls.privateKey || server.tls.serverCertificate) {
      v.error([...path, 'tls'], 'server cannot have TLS settings for plain text HTTP ports');
    }
  }
}

/** The TLS mode defaults to PASSTHROUGH (the enum's zero value). */
function isPassthrough(tls: any): boolean {
  return ['PASSTHROUGH', 'AUTO_PASSTHROUGH'].includes(tls.mode ?? 'PASSTHROUGH');
}

function gateway(v: Verdict, m: Manifest): void {
  if (!DNS1123_LABEL.test(m.name)) v.error(['metadata', 'name'], `invalid gateway name: "${m.name}" (a DNS-1123 label, no dots)`);
  const servers = list(m.object.spec?.servers);
  if (servers.length === 0) v.error(['spec', 'servers'], 'gateway must have at least one server');
  const names = new Set<string>();
  servers.forEach((server, i) => {
    if (!server || typeof server !== 'object') return;
    gatewayServer(v, ['spec', 'servers', i], server);
    const name = server.port?.name;
    if (name !== undefined) {
      if (names.has(name)) v.error(['spec', 'servers', i, 'port', 'name'], `port names in servers must be unique: duplicate name ${name}`);
      names.add(name);
      if (!HTTP_PROTOCOLS.has(String(server.port?.protocol).toLowerCase()) && server.tls?.httpsRedirect) {
        v.warning(['spec', 'servers', i, 'tls', 'httpsRedirect'], 'tls.httpsRedirect should only be used with http servers');
      }
    }
  });
}

// ---- VirtualService -----------------------------------------------------------------------------

// ---- DestinationRule ----------------------------------------------------------------------------

function destinationRule(v: Verdict, m: Manifest): void {
  const spec = m.object.spec ?? {};
  const hostError = typeof spec.host === 'string' ? wildcardDomainError(spec.host) : undefined;
  if (hostError) v.error(['spec', 'host'], hostError);
  exportTo(v, m, { selector: spec.workloadSelector !== undefined });
  trafficPolicy(v, ['spec', 'trafficPolicy'], spec.trafficPolicy, m.namespace);
  const names = new Set<string>();
  list(spec.subsets).forEach((subset, i) => {
    if (!subset || typeof subset !== 'object') return;
    if (names.has(subset.name)) v.error(['spec', 'subsets', i, 'name'], `duplicate subset names: ${subset.name}`);
    names.add(subset.name);
    subsetName(v, ['spec', 'subsets', i, 'name'], subset.name);
    trafficPolicy(v, ['spec', 'subsets', i, 'trafficPolicy'], subset.trafficPolicy, m.namespace);
  });
}


// ---- Sidecar ------------------------------------------------------------------------------------

function sidecarIngress(v: Verdict, ingress: any[]): void {
  const ports = new Set<number>();
  // the CRD requires each ingress listener's port
  ingress.forEach((listener, i) => {
    if (listener.port.targetPort > 0) v.error(['spec', 'ingress', i, 'port', 'targetPort'], 'targetPort has no impact on Sidecars');
    port(v, ['spec', 'ingress', i, 'port', 'number'], listener.port.number);
    if (ports.has(listener.port.number)) v.error(['spec', 'ingress', i, 'port', 'number'], 'sidecar: ports on IP bound listeners must be unique');
    ports.add(listener.port.number);
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

function sidecarEgress(v: Verdict, egress: any[], namespace: string): void {
  const ports = new Set<number>();
  let catchAll = false;
  egress.forEach((listener, i) => {
    if (!listener || typeof listener !== 'object') return;
    const at = ['spec', 'egress', i];
    if (!listener.port) {
      if (catchAll) v.error(at, 'sidecar: egress can have only one listener with empty port');
      else if (i !== egress.length - 1) v.error(at, 'sidecar: the egress listener with empty port should be the last listener in the list');
      catchAll = true;
    } else {
      if (listener.port.targetPort > 0) v.error([...at, 'port', 'targetPort'], 'targetPort has no impact on Sidecars');
      const number = listener.port.number ?? 0;
      if (number !== 0 && ports.has(number)) v.error([...at, 'port', 'number'], 'sidecar: ports on IP bound listeners must be unique');
      if (number === 0 && !String(listener.bind ?? '').startsWith('unix://')) {
        v.error([...at, 'port', 'number'], 'sidecar: ports with 0 value must have a unix domain socket bind address');
      }
      ports.add(number);
    }
    if (list(listener.hosts).length === 0) v.error([...at, 'hosts'], 'sidecar: egress listener must contain at least one host');
    list(listener.hosts).forEach((host, i) => {
      if (typeof host === 'string') namespacedHost(v, [...at, 'hosts', i], host, false);
    });
    sidecarEgressHosts(v, [...at, 'hosts'], list(listener.hosts), namespace);
  });
}

function sidecar(v: Verdict, m: Manifest): void {
  const spec = m.object.spec ?? {};
  if (list(spec.egress).length === 0 && list(spec.ingress).length === 0 && !spec.outboundTrafficPolicy && !spec.inboundConnectionPool) {
    v.error(['spec'], 'sidecar: empty configuration provided');
  }
  sidecarIngress(v, list(spec.ingress));
  sidecarEgress(v, list(spec.egress), m.namespace);
  if (spec.outboundTrafficPolicy?.egressProxy && spec.outboundTrafficPolicy.mode !== 'ALLOW_ANY') {
    v.error(['spec', 'outboundTrafficPolicy', 'egressProxy'], 'sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode');
  }
}

// ---- Telemetry and WorkloadEntry ----------------------------------------------------------------

/** The CRD's schema and CEL rules check tags, overrides and provider names; the webhook adds two warnings. */
function telemetry(v: Verdict, m: Manifest): void {
  const tracing = list(m.object.spec?.tracing);
  if (tracing.length > 1) v.warning(['spec', 'tracing'], 'multiple tracing is not currently supported');
  tracing.forEach((t, i) => {
    if (list(t.providers).length > 1) v.warning(['spec', 'tracing', i, 'providers'], 'multiple providers is not currently supported');
  });
}

// ---- security ---------------------------------------------------------------------

function peerAuthentication(v: Verdict, m: Manifest): void {
  const levels = m.object.spec?.portLevelMtls;
  if (!levels || typeof levels !== 'object') return;
  for (const key of Object.keys(levels)) {
    // the CRD's CEL rule checks the range of numeric keys; istiod's conversion also refuses other keys
    if (!/^\d+$/.test(key)) {
      v.error(['spec', 'portLevelMtls', key], `port '${key}' is not a number (keys of portLevelMtls are port numbers)`);
    }
  }
}

const RULES: Record<string, (v: Verdict, m: Manifest) => void> = {
  'networking.istio.io/Gateway': gateway,
  'networking.istio.io/VirtualService': virtualService,
  'networking.istio.io/DestinationRule': destinationRule,
  'networking.istio.io/ServiceEntry': serviceEntry,
  'networking.istio.io/Sidecar': sidecar,
  'networking.istio.io/WorkloadEntry': workloadEntry,
  'networking.istio.io/WorkloadGroup': workloadGroup,
  'networking.istio.io/EnvoyFilter': envoyFilter,
  'telemetry.istio.io/Telemetry': telemetry,
  'security.istio.io/PeerAuthentication': peerAuthentication,
  'security.istio.io/AuthorizationPolicy': authorizationPolicy,
  'security.istio.io/RequestAuthentication': requestAuthentication,
};

/** The webhook's verdict on one object the CRD schema accepted: what it refuses and what it warns about. */
export function webhookFindings(m: Manifest): Finding[] {
  const rules = RULES[`${m.group}/${m.kind}`];
  if (!rules) return [];
  const verdict = new Verdict(m);
  rules(verdict, m);
  return verdict.findings;
}
