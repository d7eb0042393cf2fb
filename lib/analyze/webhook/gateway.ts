import { Manifest } from '../read/manifest';
import { HTTP_PROTOCOLS, ipAddress, PROTOCOLS, TLS_PROTOCOLS, unixAddress } from './values';
import { DNS1123_LABEL, list, namespacedHost, Path, port, Verdict } from './verdict';

// istiod's webhook rules for Gateway and the server TLS settings Sidecar ingress listeners share
// (Istio 1.30 pkg/config/validation/validation.go).

const ISTIO_MUTUAL_FORBIDS: ReadonlyArray<[string, string]> = [
  ['serverCertificate', 'server certificate'], ['privateKey', 'private key'], ['caCertificates', 'CA bundle'],
  ['tlsCertificates', 'tlsCertificates'], ['credentialName', 'credentialName'], ['credentialNames', 'credentialNames'],
];

/** The cipher suites Envoy (BoringSSL) offers a Gateway, without PSK ones. */
const CIPHER_SUITES = new Set([
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305', 'ECDHE-ECDSA-AES128-SHA', 'ECDHE-RSA-AES128-SHA',
  'ECDHE-ECDSA-AES256-SHA', 'ECDHE-RSA-AES256-SHA', 'AES128-GCM-SHA256', 'AES256-GCM-SHA384', 'AES128-SHA', 'AES256-SHA', 'DES-CBC3-SHA',
]);

/** Expressions (`!…`, `+…`, `[…]`) and `ALL` are passed through; names must be ones Envoy knows. */
const isCipherSuite = (suite: string) => suite === '' || suite === 'ALL' || !/^[\p{L}\p{N}]/u.test(suite) || CIPHER_SUITES.has(suite);

/** Invalid or repeated cipher suites are dropped with a warning; TLS 1.0/1.1 need suites named. */
function cipherSuites(v: Verdict, path: Path, tls: any): void {
  const suites = list(tls.cipherSuites).filter((x): x is string => typeof x === 'string');
  if ((tls.minProtocolVersion === 'TLSV1_0' || tls.minProtocolVersion === 'TLSV1_1') && suites.length === 0) {
    v.warning([...path, 'minProtocolVersion'], 'TLS version below TLSV1_2 require setting compatible ciphers as by default they no longer include compatible ciphers.');
  }
  const invalid = new Set(suites.filter(x => !isCipherSuite(x)));
  const seen = new Set<string>();
  const duplicate = new Set(suites.filter(x => isCipherSuite(x) && (seen.has(x) || !seen.add(x))));
  if (invalid.size > 0) v.warning([...path, 'cipherSuites'], `ignoring invalid cipher suites: [${[...invalid].sort().join(' ')}]`);
  if (duplicate.size > 0) v.warning([...path, 'cipherSuites'], `ignoring duplicate cipher suites: [${[...duplicate].sort().join(' ')}]`);
}

/** Istio's validateTLSOptions: ciphers, then certificate sources by mode, as Gateway servers and Sidecar ingress listeners use them. */
export function serverTls(v: Verdict, path: Path, tls: any): void {
  const has = (field: string) => (Array.isArray(tls[field]) ? tls[field].length > 0 : Boolean(tls[field]));
  cipherSuites(v, path, tls);
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
  const remote = has('credentialName') || has('credentialNames');
  if (['SIMPLE', 'MUTUAL', 'OPTIONAL_MUTUAL'].includes(mode) && !remote) {
    const prefix = mode === 'SIMPLE' ? 'SIMPLE TLS' : 'MUTUAL TLS';
    if (prefix === 'MUTUAL TLS' && !tls.caCertificates) v.error(path, `${prefix} requires a client CA bundle`);
    // the CRD allows at most 2 server certificates
    const pairs = list(tls.tlsCertificates).length > 0 ? list(tls.tlsCertificates) : [tls];
    for (const pair of pairs) {
      if (!pair?.serverCertificate) v.error(path, `${prefix} requires a server certificate`);
      if (!pair?.privateKey) v.error(path, `${prefix} requires a private key`);
    }
  } else if (remote && ['SIMPLE', 'MUTUAL', 'OPTIONAL_MUTUAL'].includes(mode)) {
    return;
  }
  if (tls.caCrl) {
    if (tls.credentialName) v.error([...path, 'caCrl'], 'CRL is not supported with credentialName. CRL has to be specified in the credential');
    if (mode === 'SIMPLE') v.error([...path, 'caCrl'], 'CRL is not supported with SIMPLE TLS');
  }
}

/** A server binds to an IP address, or to a unix socket (`unix://<absolute path>` or `@abstract`) on port 0. */
function serverBind(v: Verdict, path: Path, server: any): void {
  const bind = typeof server.bind === 'string' ? server.bind : '';
  if (bind.startsWith('unix://')) {
    unixAddress(v, [...path, 'bind'], bind);
    if (server.port?.number) v.error([...path, 'port', 'number'], `port number must be 0 for unix domain socket: ${server.port.number}`);
  } else {
    ipAddress(v, [...path, 'bind'], bind);
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
  if (p.name === '') v.error([...path, 'port', 'name'], 'port name must be set');
  serverBind(v, path, server);
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
