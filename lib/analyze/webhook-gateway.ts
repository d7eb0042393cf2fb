import { Manifest } from './manifest';
import { HTTP_PROTOCOLS, PROTOCOLS, TLS_PROTOCOLS } from './webhook-entries';
import { DNS1123_LABEL, list, namespacedHost, Path, port, Verdict } from './webhook-verdict';

// istiod's webhook rules for Gateway and the server TLS settings Sidecar ingress listeners share
// (Istio 1.30 pkg/config/validation/validation.go).

const ISTIO_MUTUAL_FORBIDS: ReadonlyArray<[string, string]> = [
  ['serverCertificate', 'server certificate'], ['privateKey', 'private key'], ['caCertificates', 'CA bundle'],
  ['tlsCertificates', 'tlsCertificates'], ['credentialName', 'credentialName'], ['credentialNames', 'credentialNames'],
];

/** Istio's validateTLSOptions: certificate sources by mode, as Gateway servers and Sidecar ingress listeners use them. */
export function serverTls(v: Verdict, path: Path, tls: any): void {
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
  if (server.tls) serverTls(v, [...path, 'tls'], server.tls);
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

export function gateway(v: Verdict, m: Manifest): void {
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
