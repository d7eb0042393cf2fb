import { Manifest } from '../read/manifest';
import { gatewayNames, headerValue, hostSubsetOf, ipSubnets, isClaimKey, labels, regex, stringMatch } from './values';
import { destination, DNS1123_LABEL, duration, exportTo, isIpAddress, isSet, list, Path, percentage, port, Verdict, wildcardDomainError } from './verdict';

// istiod's webhook rules for VirtualService (pkg/config/validation/validation.go and virtualservice.go,
// Istio 1.30): routes, faults, retries, mirrors, redirects, rewrites, header operations, CORS and hosts.

const TOKEN = /^[!#$%&'*+\-.^_`|~A-Za-z0-9]+$/;

const PSEUDO_HEADERS = new Set([':method', ':scheme', ':authority', ':path', ':status']);

const CORS_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', '*']);

const isInternalHeader = (name: string) => name.startsWith(':') || name.toLowerCase() === 'host';

const isAuthorityHeader = (name: string) => name.toLowerCase() === ':authority' || name.toLowerCase() === 'host';

const keys = (value: unknown): string[] => (value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : []);

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((x): x is string => typeof x === 'string') : []);

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
  if (r.uriRegexRewrite && (!r.uriRegexRewrite.match || !r.uriRegexRewrite.rewrite)) {
    v.error([...path, 'uriRegexRewrite'], 'UriRegexRewrite requires both Rewrite and Match fields to be specified');
  } else if (r.uriRegexRewrite) {
    regex(v, [...path, 'uriRegexRewrite', 'match'], r.uriRegexRewrite.match, 'HTTPRewrite.UriRegexRewrite.Match');
  }
}

/** The string matches of an HTTP match: URIs may match an empty prefix, `withoutHeaders` may use the regex `*` (present). */
function matchStrings(v: Verdict, path: Path, match: any): void {
  for (const [name, sm] of Object.entries(match.headers && typeof match.headers === 'object' ? match.headers : {})) {
    stringMatch(v, [...path, 'headers', name], sm, 'headers');
  }
  for (const [name, sm] of Object.entries(match.withoutHeaders && typeof match.withoutHeaders === 'object' ? match.withoutHeaders : {})) {
    if ((sm as any)?.regex !== '*') stringMatch(v, [...path, 'withoutHeaders', name], sm, 'withoutHeaders');
  }
  stringMatch(v, [...path, 'uri'], match.uri, 'uri', { regexOnly: true });
  for (const field of ['scheme', 'method', 'authority']) stringMatch(v, [...path, field], match[field], field);
  for (const [name, sm] of Object.entries(match.queryParams && typeof match.queryParams === 'object' ? match.queryParams : {})) {
    stringMatch(v, [...path, 'queryParams', name], sm, 'queryParams');
  }
}

function matchHeaderNames(v: Verdict, path: Path, match: any): void {
  for (const field of ['headers', 'withoutHeaders']) {
    for (const name of keys(match[field])) {
      if (name !== '' && !isClaimKey(name) && !PSEUDO_HEADERS.has(name) && !TOKEN.test(name)) {
        v.error([...path, field, name], `header name ${name} is not a valid header name`);
      }
    }
  }
  if (typeof match.port === 'number' && match.port !== 0) port(v, [...path, 'port'], match.port);
  labels(v, [...path, 'sourceLabels'], match.sourceLabels);
  gatewayNames(v, [...path, 'gateways'], match.gateways);
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
        if (op !== 'remove') headerValue(v, [...at, name], headers[side][op][name]);
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
  list(cors.allowOrigins).forEach((origin, i) => {
    const value = origin?.exact ?? origin?.prefix ?? origin?.regex;
    if (value === '') v.error([...path, 'allowOrigins', i], "'' is not a valid match type for CORS allow origins");
    else regex(v, [...path, 'allowOrigins', i, 'regex'], origin?.regex, 'corsPolicy.allowOrigins');
  });
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

const GRPC_STATUSES = new Set([
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
  'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED',
  'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
]);

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
  // the CRD requires each entry's destination
  routes.forEach((r, i) => {
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
  list(http.match).forEach((match, i) => {
    if (!match || typeof match !== 'object') return;
    matchHeaderNames(v, [...path, 'match', i], match);
    matchStrings(v, [...path, 'match', i], match);
  });
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
    destination(v, [...path, 'mirrors', i, 'destination'], mirror.destination);
    mirrorPercentages(v, [...path, 'mirrors', i, 'percentage', 'value'], mirror.percentage?.value, 'mirror percentage');
  });
  if (http.retries) retries(v, [...path, 'retries'], http.retries);
  if (http.redirect) redirect(v, [...path, 'redirect'], http.redirect);
  if (http.rewrite) rewrite(v, [...path, 'rewrite'], http.rewrite);
  if (http.directResponse) directResponse(v, [...path, 'directResponse'], http.directResponse);
  authorityRewrite(v, path, http);
  routeDestinations(v, [...path, 'route'], list(http.route));
  duration(v, [...path, 'timeout'], http.timeout);
}

const KB = 1024;

/** The body is kept in istiod's memory and pushed to every proxy: over 100 KiB is a warning, over 1 MiB an error. */
function directResponse(v: Verdict, path: Path, response: any): void {
  const body = response.body ?? {};
  const size = typeof body.string === 'string' ? Buffer.byteLength(body.string) : typeof body.bytes === 'string' ? Buffer.from(body.bytes, 'base64').length : 0;
  if (size > KB * KB) v.error([...path, 'body'], 'large direct_responses may impact control plane performance, must be less than 1MB');
  else if (size > 100 * KB) v.warning([...path, 'body'], 'large direct_responses may impact control plane performance');
  const status = response.status;
  if (typeof status === 'number' && (status < 200 || status > 600)) v.error([...path, 'status'], `HTTP status ${status} is not in range 200-599`);
}

/** The authority may be rewritten once: by `rewrite.authority` or one request header operation on `:authority`/Host. */
function authorityRewrite(v: Verdict, path: Path, http: any): void {
  let current: string = typeof http.rewrite?.authority === 'string' ? http.rewrite.authority : '';
  for (const op of ['set', 'add']) {
    const headers = http.headers?.request?.[op];
    for (const [name, value] of Object.entries(headers && typeof headers === 'object' ? headers : {})) {
      if (!isAuthorityHeader(name)) continue;
      if (current !== '') return v.error([...path, 'headers', 'request', op, name], `authority header cannot be set multiple times: have "${current}", attempting to set "${value}"`);
      current = String(value);
    }
  }
}

function virtualServiceHosts(v: Verdict, vs: any): void {
  const hosts: unknown[] = list(vs.hosts);
  const gateways = list(vs.gateways);
  const appliesToGateway = gateways.length > 0 && !gateways.includes('mesh');
  // a gateway-bound host may also be an AUTO_PASSTHROUGH name (outbound_.80_._.host) when TLS routes match SNI hosts
  const sni = list(vs.tls).some(tls => list(tls?.match).some(match => list(match?.sniHosts).length > 0));
  let allValid = true;
  hosts.forEach((host, i) => {
    if (typeof host !== 'string') return;
    const error = appliesToGateway ? gatewayBoundHostError(sni, host) : wildcardDomainError(host);
    if (error) {
      if (!isIpAddress(host)) {
        v.error(['spec', 'hosts', i], error);
        allValid = false;
      }
    } else if (!appliesToGateway && host === '*') {
      v.error(['spec', 'hosts', i], 'wildcard host * is not allowed for virtual services bound to the mesh gateway');
      allValid = false;
    }
  });
  if (!allValid) return;
  // duplicates include wildcard ones: *.foo.com and *.com overlap in one VirtualService
  const strings = hosts.map(h => String(h));
  strings.forEach((a, i) => strings.slice(i + 1).forEach((b, j) => {
    if (hostNamesMatch(a, b)) v.error(['spec', 'hosts', i + 1 + j], `duplicate hosts in virtual service: ${a} & ${b}`);
  }));
}

/** Istio's ValidateWildcardDomainForVirtualServiceBoundToGateway. */
function gatewayBoundHostError(sni: boolean, host: string): string | undefined {
  if (host.length > 255) return `domain name "${host}" too long (max 255)`;
  if (host.length === 0) return 'empty domain name not allowed';
  if (sni && host.startsWith('outbound_')) {
    const parts = host.split('_');
    if (parts.length < 4) return `domain name ${host} invalid, should follow 'outbound_.<port>_._.<hostname>' format`;
    const port = parts[1].replace(/^\.+|\.+$/g, '');
    const name = parts[3].replace(/^\.+|\.+$/g, '');
    if (!/[0-9]/.test(port)) return `domain name "${host}" invalid (label "${port}" invalid). should follow outbound_.<port>_._.<hostname> format`;
    if (!/[a-zA-Z]/.test(name)) return `domain name "${host}" invalid (label "${name}" invalid). should follow outbound_.<port>_._.<hostname> format`;
    return undefined;
  }
  return wildcardDomainError(host);
}

/** Istio's host.Name.Matches: equal, or one a wildcard whose suffix the other ends with. */
function hostNamesMatch(a: string, b: string): boolean {
  const aw = a.startsWith('*');
  const bw = b.startsWith('*');
  if (aw && bw) return a.length < b.length ? b.slice(1).endsWith(a.slice(1)) : a.slice(1).endsWith(b.slice(1));
  if (aw) return b.endsWith(a.slice(1));
  if (bw) return a.endsWith(b.slice(1));
  return a === b;
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

export function virtualService(v: Verdict, m: Manifest): void {
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
  if (gateways.length > 0) gatewayNames(v, ['spec', 'gateways'], gateways);
  list(vs.tls).forEach((route, i) => {
    if (route && typeof route === 'object') tlsRoute(v, ['spec', 'tls', i], route, vs);
  });
  list(vs.tcp).forEach((route, i) => {
    if (route && typeof route === 'object') tcpRoute(v, ['spec', 'tcp', i], route);
  });
}

/** What TLS and TCP matches share: destination subnets, port, source labels, gateways. */
function l4Match(v: Verdict, path: Path, match: any): void {
  ipSubnets(v, [...path, 'destinationSubnets'], match.destinationSubnets);
  if (typeof match.port === 'number' && match.port !== 0) port(v, [...path, 'port'], match.port);
  labels(v, [...path, 'sourceLabels'], match.sourceLabels);
  gatewayNames(v, [...path, 'gateways'], match.gateways);
}

/** An SNI host: a (wildcard) domain, within one of the VirtualService's hosts; an IP address is only a warning. */
function sniHost(v: Verdict, path: Path, host: string, vs: any): void {
  const autoPassthrough = host.startsWith('outbound_') && !list(vs.gateways).includes('mesh');
  const error = autoPassthrough ? undefined : wildcardDomainError(host);
  if (error) {
    if (isIpAddress(host)) v.warning(path, `using an IP address ("${host}") goes against SNI spec and most clients do not support this`);
    else v.error(path, error);
    return;
  }
  const hosts = list(vs.hosts).filter((h): h is string => typeof h === 'string');
  if (!hosts.some(h => hostSubsetOf(host, h))) {
    v.error(path, `SNI host "${host}" is not a compatible subset of any of the virtual service hosts: [${hosts.join(', ')}]`);
  }
}

function tlsRoute(v: Verdict, path: Path, route: any, vs: any): void {
  if (list(route.match).length === 0) v.error(path, 'TLS route must have at least one match condition');
  list(route.match).forEach((match, i) => {
    const at = [...path, 'match', i];
    if (!match || typeof match !== 'object') return;
    if (list(match.sniHosts).length === 0) v.error(at, 'TLS match must have at least one SNI host');
    list(match.sniHosts).forEach((host, j) => {
      if (typeof host === 'string') sniHost(v, [...at, 'sniHosts', j], host, vs);
    });
    l4Match(v, at, match);
  });
  if (list(route.route).length === 0) v.error(path, 'TLS route is required');
  routeDestinations(v, [...path, 'route'], list(route.route));
}

function tcpRoute(v: Verdict, path: Path, route: any): void {
  list(route.match).forEach((match, i) => {
    if (match && typeof match === 'object') l4Match(v, [...path, 'match', i], match);
  });
  if (list(route.route).length === 0) v.error(path, 'TCP route is required');
  routeDestinations(v, [...path, 'route'], list(route.route));
}
