import { Finding } from './finding';
import { isClaimKey } from './checks/jwt-claim-routes';
import { Manifest } from './manifest';
import { envoyFilter, workloadGroup } from './webhook-extensions';
import { authorizationPolicy, requestAuthentication } from './webhook-security';
import { duration, isSet, list, Path, port, Verdict } from './webhook-verdict';

/**
 * What istiod's validating webhook (`pkg/config/validation/` in Istio 1.30) refuses at `kubectl apply`
 * beyond the CRD schema and CEL rules, in the webhook's own words. The API server runs the webhook only
 * on objects its schema accepted, so these rules read well-typed objects.
 */

/** Istio's DNS-1123 label (pkg/config/labels): letters of either case, digits and '-'. */
const DNS1123_LABEL = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const WILDCARD_LABEL = /^(\*|(\*|\*-)?[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)$/;

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const FQDN = /^(?=.{1,255}$)[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*\.?$/;
const isIpAddress = (value: string) => IPV4.test(value) || (value.includes(':') && /^[0-9a-fA-F:.]+$/.test(value));

/** Istio's ValidateWildcardDomain: `*` or `*foo` only as the first label, DNS-1123 labels, no numeric TLD. */
function wildcardDomainError(domain: string): string | undefined {
  if (domain.length === 0) return 'empty domain name not allowed';
  if (domain.length > 255) return `domain name "${domain}" too long (max 255)`;
  const [first, ...rest] = domain.split('.');
  if (first.length > 63 || !WILDCARD_LABEL.test(first)) return `domain name "${domain}" invalid (label "${first}" invalid)`;
  if (rest.length === 0) return undefined;
  const tld = rest[rest.length - 1];
  if (/^\d+$/.test(tld)) return `domain name "${domain}" invalid (top level domain "${tld}" cannot be all-numeric)`;
  const bad = rest.find((label, i) => !(i === rest.length - 1 && label === '') && (label.length > 63 || !DNS1123_LABEL.test(label)));
  return bad === undefined ? undefined : `domain name "${domain}" invalid (label "${bad}" invalid)`;
}
const PROTOCOLS = new Set(['tcp', 'udp', 'grpc', 'grpc-web', 'http', 'http_proxy', 'http2', 'https', 'tls', 'mongo', 'redis', 'mysql']);
const HTTP_PROTOCOLS = new Set(['http', 'http2', 'grpc', 'grpc-web', 'http_proxy']);
const TLS_PROTOCOLS = new Set(['https', 'tls']);
const RETRY_ON = new Set([
  '5xx', 'gateway-error', 'reset', 'reset-before-request', 'connect-failure', 'retriable-4xx', 'refused-stream',
  'retriable-status-codes', 'retriable-headers', 'envoy-ratelimited', 'http3-post-connect-failure',
  'cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable',
]);
/** Status codes Go's net/http has a text for: the webhook accepts those as retryOn policies. */
const HTTP_STATUS_TEXTS = new Set([
  100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308,
  400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423,
  424, 425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
]);
const GRPC_STATUSES = new Set([
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
  'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED',
  'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
]);

/** A host part of a Gateway server or Sidecar egress entry: a FQDN (a Gateway also takes an IP), `*` or `*.suffix`. */
function hostnamePartErrors(hostname: string, isGateway: boolean): string[] {
  const errors: string[] = [];
  if (hostname !== '*' && !hostname.includes('.')) errors.push('short names (non FQDN) are not allowed');
  const domain = wildcardDomainError(hostname);
  if (domain && !(isGateway && isIpAddress(hostname))) errors.push(domain);
  if (hostname.includes('*') && hostname !== '*' && !hostname.startsWith('*.')) errors.push(`partial wildcard "${hostname}" not allowed`);
  return errors;
}

/** Istio's ValidateNamespaceSlashWildcardHostname: `namespace/host` (a Gateway also takes a bare host). */
function namespacedHost(v: Verdict, path: Path, hostname: string, isGateway: boolean): void {
  const slash = hostname.indexOf('/');
  if (slash < 0) {
    if (isGateway) hostnamePartErrors(hostname, true).forEach(e => v.error(path, e));
    else v.error(path, 'host must be of form namespace/dnsName');
    return;
  }
  const [ns, host] = [hostname.slice(0, slash), hostname.slice(slash + 1)];
  if (ns === '' || host === '') v.error(path, 'config namespace and dnsName in host entry cannot be empty');
  const special = isGateway ? ['*', '.'] : ['*', '.', '~'];
  if (!special.includes(ns) && !(ns.length <= 63 && DNS1123_LABEL.test(ns))) {
    v.error(path, `invalid namespace value "${ns}" in ${isGateway ? 'gateway' : 'sidecar'}`);
  }
  if (host !== '') hostnamePartErrors(host, isGateway).forEach(e => v.error(path, e));
}

/** Istio's validateExportTo: `.`, `*` or namespaces, no duplicates, `*` alone; `~` alone and for ServiceEntries only. */
function exportTo(v: Verdict, m: Manifest, options: { serviceEntry?: boolean; selector?: boolean } = {}): void {
  const raw = m.object.spec?.exportTo;
  const entries: string[] = Array.isArray(raw) ? raw.filter((e: unknown): e is string => typeof e === 'string') : [];
  if (entries.length === 0) return;
  const path = ['spec', 'exportTo'];
  const seen = new Set<string>();
  for (const entry of entries) {
    const key = entry === '.' ? m.namespace : entry;
    if (seen.has(key)) {
      v.error(path, key !== entry ? `duplicate entries in exportTo: . and current namespace ${m.namespace}` : `duplicate entries in exportTo for entry ${entry}`);
    } else if (entry === '~' && !options.serviceEntry) {
      v.error(path, 'exportTo ~ (none) is not allowed for Istio configuration objects');
    } else if (!['.', '*', '~'].includes(entry) && !(entry.length <= 63 && DNS1123_LABEL.test(entry))) {
      v.error(path, 'only .,*, or a valid DNS 1123 label is allowed as exportTo entry');
    } else {
      seen.add(key);
    }
  }
  if (options.selector && seen.size > 0) {
    if (!seen.has(m.namespace)) v.error(path, 'destination rule with workload selector cannot have exportTo beyond current namespace');
    else if (seen.size > 1) v.error(path, 'destination rule with workload selector cannot have multiple entries in exportTo');
  }
  if (seen.has('*') && entries.length > 1) v.error(path, 'cannot have both public (*) and non-public exportTo values for a resource');
  if (seen.has('~') && entries.length > 1) v.error(path, 'cannot export service entry to no one (~) and someone');
}

function redirect(v: Verdict, path: Path, r: any): void {
  if (!r.uri && !r.authority && r.port === undefined && r.derivePort === undefined && !r.scheme) {
    v.error(path, 'redirect must specify URI, authority, scheme, or port');
  }
  if (typeof r.redirectCode === 'number' && r.redirectCode !== 0 && (r.redirectCode < 300 || r.redirectCode > 399)) {
    v.error([...path, 'redirectCode'], `${r.redirectCode} is not a valid redirect code, must be 3xx`);
  }
  if (r.scheme && r.scheme !== 'http' && r.scheme !== 'https') v.error([...path, 'scheme'], 'invalid redirect scheme, must be "http" or "https"');
  port(v, [...path, 'port'], r.port);
}

function rewrite(v: Verdict, path: Path, r: any): void {
  if (r.uri && r.uriRegexRewrite) v.error(path, 'rewrite may only contain one of URI or UriRegexRewrite');
  if (!r.uri && !r.uriRegexRewrite && !r.authority) {
    v.error(path, 'rewrite must specify at least one of URI, UriRegexRewrite, or authority. Only one of URI or UriRegexRewrite may be specified');
  }
}

const TOKEN = /^[!#$%&'*+\-.^_`|~A-Za-z0-9]+$/;
const PSEUDO_HEADERS = new Set([':method', ':scheme', ':authority', ':path', ':status']);
const CORS_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', '*']);
const isInternalHeader = (name: string) => name.startsWith(':') || name.toLowerCase() === 'host';
const isAuthorityHeader = (name: string) => name.toLowerCase() === ':authority' || name.toLowerCase() === 'host';
const keys = (value: unknown): string[] => (value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : []);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((x): x is string => typeof x === 'string') : []);

function matchHeaderNames(v: Verdict, path: Path, match: any): void {
  for (const field of ['headers', 'withoutHeaders']) {
    for (const name of keys(match[field])) {
      if (name !== '' && !isClaimKey(name) && !PSEUDO_HEADERS.has(name) && !TOKEN.test(name)) {
        v.error([...path, field, name], `header name ${name} is not a valid header name`);
      }
    }
  }
  if (typeof match.port === 'number' && match.port !== 0) port(v, [...path, 'port'], match.port);
  if (typeof match.sourceNamespace === 'string' && match.sourceNamespace !== '' && !(match.sourceNamespace.length <= 63 && DNS1123_LABEL.test(match.sourceNamespace))) {
    v.error([...path, 'sourceNamespace'], `sourceNamespace match ${match.sourceNamespace} is invalid`);
  }
}

/** Header operations: requests may not set `:`-headers other than the authority; removals and responses touch neither `:` nor Host. */
function headerOperations(v: Verdict, path: Path, headers: any): void {
  if (!headers || typeof headers !== 'object') return;
  for (const side of ['request', 'response']) {
    for (const op of ['set', 'add', 'remove']) {
      const names = op === 'remove' ? strings(headers[side]?.[op]) : keys(headers[side]?.[op]);
      for (const name of names) {
        const at = [...path, side, op];
        if (side === 'request' && op !== 'remove') {
          if (isInternalHeader(name) && !isAuthorityHeader(name)) v.error(at, `invalid header "${name}": header cannot have ":" prefix`);
        } else if (name.toLowerCase() === 'host') {
          v.error(at, `invalid header "${name}": cannot set Host header`);
        } else if (isInternalHeader(name)) {
          v.error(at, `invalid header "${name}": header cannot have ":" prefix`);
        }
      }
    }
  }
}

function corsPolicy(v: Verdict, path: Path, cors: any): void {
  strings(cors.allowMethods).forEach((m, i) => {
    if (!CORS_METHODS.has(m)) v.error([...path, 'allowMethods', i], `"${m}" is not a supported HTTP method`);
  });
  for (const field of ['allowHeaders', 'exposeHeaders']) {
    strings(cors[field]).forEach((name, i) => {
      if (name === '') v.error([...path, field, i], 'header name cannot be empty');
      else if (name !== '*' && !TOKEN.test(name)) v.error([...path, field, i], `header name ${name} is not a valid header name`);
    });
  }
  if (typeof cors.maxAge === 'string' && /\.\d*[1-9]\d*s$/.test(cors.maxAge)) {
    v.error([...path, 'maxAge'], 'max_age duration is accurate only to seconds precision');
  }
}

function percentage(v: Verdict, path: Path, value: unknown): void {
  if (typeof value === 'number' && (value < 0 || value > 100 || (value > 0 && value < 0.0001))) {
    v.error(path, `percentage ${value} is neither 0.0, nor in range [0.0001, 100.0]`);
  }
}

function intPercent(v: Verdict, path: Path, value: unknown): void {
  if (typeof value === 'number' && (value < 0 || value > 100)) {
    v.error(path, `percentage ${value} is not in range 0..100`);
  }
}

function subsetName(v: Verdict, path: Path, name: unknown): void {
  if (typeof name !== 'string') return;
  if (name === '') {
    v.error(path, 'subset name cannot be empty');
  } else if (!DNS1123_LABEL.test(name) || name.length > 63) {
    v.error(path, `subset name is invalid: ${name} (a DNS-1123 label: lowercase letters, digits, '-')`);
  }
}

function destination(v: Verdict, path: Path, dest: any): void {
  if (!dest || typeof dest !== 'object') return;
  if (dest.host === '*') v.error([...path, 'host'], 'invalid destination host *');
  else if (typeof dest.host === 'string' && wildcardDomainError(dest.host)) v.error([...path, 'host'], wildcardDomainError(dest.host)!);
  if (isSet(dest.subset)) subsetName(v, [...path, 'subset'], dest.subset);
  port(v, [...path, 'port', 'number'], dest.port?.number);
}

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
  if (!(String(server.bind ?? '').startsWith('unix://') && !p.number)) {
    const number = p.number ?? 0;
    if (number < 1 || number > 65535) v.error([...path, 'port', 'number'], `port number ${number} must be in the range 1..65535`);
  }
  if (p.targetPort > 0) v.error([...path, 'port', 'targetPort'], 'targetPort has no impact on Gateways');
  if (!p.name) v.error([...path, 'port', 'name'], 'port name must be set');
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

function fault(v: Verdict, path: Path, f: any): void {
  if (!f.abort && !f.delay) v.error(path, 'HTTP fault injection must have an abort and/or a delay');
  if (f.abort) {
    percentage(v, [...path, 'abort', 'percentage', 'value'], f.abort.percentage?.value);
    const status = f.abort.httpStatus;
    if (typeof status === 'number' && (status < 200 || status > 600)) {
      v.error([...path, 'abort', 'httpStatus'], `HTTP status ${status} is not in range 200-599`);
    } else if (isSet(f.abort.grpcStatus) && !GRPC_STATUSES.has(f.abort.grpcStatus)) {
      v.error([...path, 'abort', 'grpcStatus'], `gRPC status "${f.abort.grpcStatus}" is not supported, for example 'NOT_FOUND'`);
    } else if (isSet(f.abort.http2Error)) {
      v.error([...path, 'abort', 'http2Error'], 'HTTP/2 abort fault injection not supported yet');
    } else if (!isSet(status) && !isSet(f.abort.grpcStatus)) {
      v.warning([...path, 'abort'], 'abort configured, but error type not set');
    }
  }
  if (f.delay) {
    percentage(v, [...path, 'delay', 'percentage', 'value'], f.delay.percentage?.value);
    duration(v, [...path, 'delay', 'fixedDelay'], f.delay.fixedDelay);
    if (isSet(f.delay.exponentialDelay)) v.error([...path, 'delay', 'exponentialDelay'], 'exponentialDelay not supported yet');
  }
}

function retries(v: Verdict, path: Path, r: any): void {
  const attempts = r.attempts ?? 0;
  if (attempts < 0) v.error([...path, 'attempts'], 'attempts cannot be negative');
  if (attempts === 0 && (isSet(r.perTryTimeout) || r.retryOn || isSet(r.retryRemoteLocalities))) {
    v.error(path, 'http retry policy configured when attempts are set to 0 (disabled)');
  }
  duration(v, [...path, 'perTryTimeout'], r.perTryTimeout);
  duration(v, [...path, 'backoff'], r.backoff);
  for (const policy of typeof r.retryOn === 'string' && r.retryOn ? r.retryOn.split(',') : []) {
    if (!RETRY_ON.has(policy) && !HTTP_STATUS_TEXTS.has(Number(policy))) {
      v.error([...path, 'retryOn'], `"${policy}" is not a valid retryOn policy`);
    }
  }
}

function routeConflicts(v: Verdict, path: Path, http: any, delegate: boolean): void {
  if (http.delegate && !delegate) {
    if (http.redirect) v.error(path, `root HTTP route ${http.name ?? ''} must not specify redirect`);
    if (http.route) v.error(path, `root HTTP route ${http.name ?? ''} must not specify route`);
    return;
  }
  if (delegate && http.delegate) v.error([...path, 'delegate'], 'delegate HTTP route cannot contain delegate');
  const hasRoute = list(http.route).length > 0;
  for (const [action, label] of [['redirect', 'redirect'], ['directResponse', 'direct_response']] as const) {
    if (!http[action]) continue;
    if (hasRoute) v.error(path, `HTTP route cannot contain both route and ${label}`);
    if (http.fault) v.error(path, `HTTP route cannot contain both fault and ${label}`);
    if (http.rewrite) v.error(path, `HTTP route rule cannot contain both rewrite and ${label}`);
  }
  if (http.redirect && http.directResponse) v.error(path, 'HTTP route rule cannot contain both direct_response and redirect');
  if (!http.redirect && !http.directResponse && !hasRoute) v.error(path, 'HTTP route, redirect or direct_response is required');
  if (http.mirror && list(http.mirrors).length > 0) v.error(path, 'HTTP route cannot contain both mirror and mirrors');
}

function routeDestinations(v: Verdict, path: Path, routes: any[]): void {
  let total = 0;
  routes.forEach((r, i) => {
    if (!r?.destination) {
      v.error([...path, i], 'destination is required');
      return;
    }
    destination(v, [...path, i, 'destination'], r.destination);
    if ((r.weight ?? 0) < 0) v.error([...path, i, 'weight'], `weight ${r.weight} < 0`);
    total += r.weight ?? 0;
  });
  if (routes.length > 1 && total === 0) v.error(path, 'total destination weight = 0');
}

function mirrorPercentages(v: Verdict, path: Path, value: unknown, label: string): void {
  if (typeof value !== 'number') return;
  if (value > 100) v.error(path, `${label} must have a max value of 100 (it has ${value})`);
  if (value < 0) v.error(path, `${label} must have a min value of 0 (it has ${value})`);
}

function httpRoute(v: Verdict, path: Path, http: any, delegate: boolean): void {
  routeConflicts(v, path, http, delegate);
  list(http.match).forEach((match, i) => matchHeaderNames(v, [...path, 'match', i], match));
  headerOperations(v, [...path, 'headers'], http.headers);
  list(http.route).forEach((r, i) => headerOperations(v, [...path, 'route', i, 'headers'], r.headers));
  if (http.corsPolicy) corsPolicy(v, [...path, 'corsPolicy'], http.corsPolicy);
  if (http.fault) fault(v, [...path, 'fault'], http.fault);
  if (typeof http.mirrorPercent === 'number' && http.mirrorPercent > 100) {
    v.error([...path, 'mirrorPercent'], `mirror_percent must have a max value of 100 (it has ${http.mirrorPercent})`);
  }
  if (isSet(http.mirrorPercent)) v.warning([...path, 'mirrorPercent'], 'using deprecated setting "mirrorPercent", use "mirrorPercentage" instead');
  mirrorPercentages(v, [...path, 'mirrorPercentage', 'value'], http.mirrorPercentage?.value, 'mirror_percentage');
  destination(v, [...path, 'mirror'], http.mirror);
  list(http.mirrors).forEach((mirror, i) => {
    if (!mirror?.destination) {
      v.error([...path, 'mirrors', i], 'destination is required for mirrors');
      return;
    }
    destination(v, [...path, 'mirrors', i, 'destination'], mirror.destination);
    mirrorPercentages(v, [...path, 'mirrors', i, 'percentage', 'value'], mirror.percentage?.value, 'mirror percentage');
  });
  if (http.retries) retries(v, [...path, 'retries'], http.retries);
  if (http.redirect) redirect(v, [...path, 'redirect'], http.redirect);
  if (http.rewrite) rewrite(v, [...path, 'rewrite'], http.rewrite);
  const status = http.directResponse?.status;
  if (typeof status === 'number' && (status < 200 || status > 600)) v.error([...path, 'directResponse', 'status'], `HTTP status ${status} is not in range 200-599`);
  routeDestinations(v, [...path, 'route'], list(http.route));
  duration(v, [...path, 'timeout'], http.timeout);
}

function virtualServiceHosts(v: Verdict, vs: any): void {
  const hosts: unknown[] = list(vs.hosts);
  const boundToGatewayOnly = list(vs.gateways).length > 0 && !list(vs.gateways).includes('mesh');
  hosts.forEach((host, i) => {
    // hosts of gateway-bound VirtualServices follow the gateway's rules (SNI, ports), not checked here
    const error = typeof host === 'string' && !boundToGatewayOnly && !isIpAddress(host) ? wildcardDomainError(host) : undefined;
    if (error) v.error(['spec', 'hosts', i], error);
    if (host === '*' && !boundToGatewayOnly) {
      v.error(['spec', 'hosts', i], 'wildcard host * is not allowed for virtual services bound to the mesh gateway');
    }
  });
  const seen = new Map<unknown, number>();
  hosts.forEach((host, i) => {
    if (seen.has(host)) v.error(['spec', 'hosts', i], `duplicate hosts in virtual service: ${host} & ${host}`);
    seen.set(host, i);
  });
}

/** Routing on JWT claims needs the gateway's RequestAuthentication: the mesh has none to route on. */
function claimRoutesOffGateway(v: Verdict, vs: any): void {
  list(vs.http).forEach((http, i) => list(http?.match).forEach((match, j) => {
    for (const field of ['headers', 'withoutHeaders']) {
      for (const key of Object.keys(match?.[field] && typeof match[field] === 'object' ? match[field] : {}).filter(isClaimKey)) {
        v.error(['spec', 'http', i, 'match', j, field, key], `JWT claim based routing (key: ${key}) is only supported for gateway, found no gateways: [${list(vs.gateways).join(' ')}]`);
      }
    }
  }));
}

function virtualService(v: Verdict, m: Manifest): void {
  const vs = m.object.spec ?? {};
  const delegate = list(vs.hosts).length === 0;
  if (delegate) {
    if (list(vs.gateways).length > 0) v.error(['spec', 'gateways'], 'delegate virtual service must have no gateways specified');
    if (list(vs.tls).length > 0) v.error(['spec', 'tls'], 'delegate virtual service must have no tls route specified');
    if (list(vs.tcp).length > 0) v.error(['spec', 'tcp'], 'delegate virtual service must have no tcp route specified');
  }
  virtualServiceHosts(v, vs);
  exportTo(v, m);
  const gateways = list(vs.gateways);
  if (gateways.length === 0 || gateways.includes('mesh')) claimRoutesOffGateway(v, vs);
  if (list(vs.http).length + list(vs.tcp).length + list(vs.tls).length === 0) {
    v.error(['spec'], 'http, tcp or tls must be provided in virtual service');
  }
  list(vs.http).forEach((http, i) => {
    if (http && typeof http === 'object') httpRoute(v, ['spec', 'http', i], http, delegate);
  });
  for (const family of ['tcp', 'tls']) {
    list(vs[family]).forEach((route, i) => routeDestinations(v, ['spec', family, i, 'route'], list(route?.route)));
  }
}

// ---- DestinationRule ----------------------------------------------------------------------------

function outlierDetection(v: Verdict, path: Path, o: any): void {
  duration(v, [...path, 'baseEjectionTime'], o.baseEjectionTime);
  duration(v, [...path, 'interval'], o.interval);
  if (o.consecutiveErrors) {
    v.warning([...path, 'consecutiveErrors'], 'outlier detection consecutive errors is deprecated, use consecutiveGatewayErrors or consecutive5xxErrors instead');
  }
  if (!o.splitExternalLocalOriginErrors && o.consecutiveLocalOriginFailures > 0) {
    v.error(path, 'outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false');
  }
  intPercent(v, [...path, 'maxEjectionPercent'], o.maxEjectionPercent);
  intPercent(v, [...path, 'minHealthPercent'], o.minHealthPercent);
}

function trafficPolicy(v: Verdict, path: Path, policy: any): void {
  if (!policy || typeof policy !== 'object') return;
  if (policy.outlierDetection) outlierDetection(v, [...path, 'outlierDetection'], policy.outlierDetection);
  list(policy.portLevelSettings).forEach((settings, i) => {
    const at = [...path, 'portLevelSettings', i];
    if (!settings?.port) v.error(at, 'portTrafficPolicy must have valid port');
    if (!settings?.outlierDetection && !settings?.connectionPool && !settings?.loadBalancer && !settings?.tls) {
      v.error(at, 'port traffic policy must have at least one field');
    } else if (settings.outlierDetection) {
      outlierDetection(v, [...at, 'outlierDetection'], settings.outlierDetection);
    }
  });
}

function destinationRule(v: Verdict, m: Manifest): void {
  const spec = m.object.spec ?? {};
  const hostError = typeof spec.host === 'string' ? wildcardDomainError(spec.host) : undefined;
  if (hostError) v.error(['spec', 'host'], hostError);
  exportTo(v, m, { selector: spec.workloadSelector !== undefined });
  trafficPolicy(v, ['spec', 'trafficPolicy'], spec.trafficPolicy);
  const names = new Set<string>();
  list(spec.subsets).forEach((subset, i) => {
    if (!subset || typeof subset !== 'object') return;
    if (names.has(subset.name)) v.error(['spec', 'subsets', i, 'name'], `duplicate subset names: ${subset.name}`);
    names.add(subset.name);
    subsetName(v, ['spec', 'subsets', i, 'name'], subset.name);
    trafficPolicy(v, ['spec', 'subsets', i, 'trafficPolicy'], subset.trafficPolicy);
  });
}

// ---- ServiceEntry -------------------------------------------------------------------------------

const HTTP_OR_TLS = new Set([...HTTP_PROTOCOLS, ...TLS_PROTOCOLS]);

/** The CRD's CEL rules check duplicate ports and endpoint counts; the webhook also checks what endpoints name. */
function serviceEntryEndpoints(v: Verdict, spec: any): void {
  const resolution = spec.resolution ?? 'NONE';
  const portNames = new Set(list(spec.ports).map(p => p?.name));
  list(spec.endpoints).forEach((endpoint, i) => {
    if (!endpoint || typeof endpoint !== 'object') return;
    const address = endpoint.address;
    if (['DNS', 'DNS_ROUND_ROBIN'].includes(resolution) && typeof address === 'string' && !isIpAddress(address) && !FQDN.test(address)) {
      v.error(['spec', 'endpoints', i, 'address'], `endpoint address "${address}" is not a valid FQDN or an IP address`);
    }
    for (const [name, port] of Object.entries(endpoint.ports ?? {})) {
      if (!portNames.has(name)) v.error(['spec', 'endpoints', i, 'ports', name], `endpoint port ${port} is not defined by the service entry`);
    }
  });
}

function serviceEntry(v: Verdict, m: Manifest): void {
  const spec = m.object.spec ?? {};
  exportTo(v, m, { serviceEntry: true });
  serviceEntryEndpoints(v, spec);
  if ((spec.resolution ?? 'NONE') !== 'NONE' && list(spec.hosts).length > 1) {
    list(spec.ports).forEach((p, i) => {
      if (p && !HTTP_OR_TLS.has(String(p.protocol ?? '').toLowerCase())) {
        v.error(['spec', 'ports', i, 'protocol'], 'multiple hosts provided with non-HTTP, non-TLS ports');
      }
    });
  }
}

// ---- Sidecar ------------------------------------------------------------------------------------

function sidecarIngress(v: Verdict, ingress: any[]): void {
  const ports = new Set<number>();
  ingress.forEach((listener, i) => {
    if (!listener?.port) {
      v.error(['spec', 'ingress', i], 'sidecar: port is required for ingress listeners');
      return;
    }
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

/** The CEL rules require an address (or network) and refuse ports on a unix socket; the webhook checks its form. */
function workloadEntry(v: Verdict, m: Manifest): void {
  const spec = m.object.spec ?? {};
  const address = typeof spec.address === 'string' ? spec.address : '';
  if (address === '' && spec.network) {
    v.warning(['spec', 'address'], `address is unset with network "${spec.network}"`);
  } else if (address !== '' && !address.startsWith('unix://') && !isIpAddress(address) && !FQDN.test(address)) {
    v.error(['spec', 'address'], `endpoint address "${address}" is not a valid FQDN or an IP address`);
  }
}

// ---- security ---------------------------------------------------------------------

function peerAuthentication(v: Verdict, m: Manifest): void {
  const levels = m.object.spec?.portLevelMtls;
  if (!levels || typeof levels !== 'object') return;
  for (const key of Object.keys(levels)) {
    const number = /^\d+$/.test(key) ? Number(key) : NaN;
    if (Number.isNaN(number)) {
      v.error(['spec', 'portLevelMtls', key], `port '${key}' is not a number (keys of portLevelMtls are port numbers)`);
    } else if (number < 1 || number > 65535) {
      v.error(['spec', 'portLevelMtls', key], 'port must be in range 1..65535');
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

/** The kinds whose webhook rules the analyzer runs. */
export const WEBHOOK_KINDS = Object.keys(RULES);

/** The webhook's verdict on one object the CRD schema accepted: what it refuses and what it warns about. */
export function webhookFindings(m: Manifest): Finding[] {
  const rules = RULES[`${m.group}/${m.kind}`];
  if (!rules) return [];
  const verdict = new Verdict(m);
  rules(verdict, m);
  return verdict.findings;
}
