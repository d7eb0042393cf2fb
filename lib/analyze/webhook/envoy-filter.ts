import { Manifest } from '../read/manifest';
import { emptySelector } from './values';
import { Verdict } from './verdict';
import { patchValue } from './xds-types';

// istiod's webhook rules for EnvoyFilter (pkg/config/validation/envoyfilter) and WorkloadGroup
// (pkg/config/validation/validation.go), Istio 1.30. WasmPlugin's and ProxyConfig's rules are all in
// their CRDs' schema and CEL rules already (the tests check that those reject what the webhook does).

const LISTENER_CLASS = new Set(['LISTENER', 'FILTER_CHAIN', 'NETWORK_FILTER', 'HTTP_FILTER']);

const ROUTE_CLASS = new Set(['ROUTE_CONFIGURATION', 'VIRTUAL_HOST', 'HTTP_ROUTE']);

const HCM = new Set(['envoy.filters.network.http_connection_manager', 'envoy.http_connection_manager']);

const OBJECT_TYPES = ['listener', 'routeConfiguration', 'cluster'];

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

/** Envoy's pre-v3 filter names, which istiod still accepts with a warning, and the names that replace them. */
const DEPRECATED_FILTER_NAMES: Record<string, string> = {
  'envoy.buffer': 'envoy.filters.http.buffer', 'envoy.cors': 'envoy.filters.http.cors', 'envoy.csrf': 'envoy.filters.http.csrf',
  'envoy.http_dynamo_filter': 'envoy.filters.http.dynamo', 'envoy.ext_authz': 'envoy.filters.http.ext_authz or envoy.filters.network.ext_authz',
  'envoy.fault': 'envoy.filters.http.fault', 'envoy.grpc_http1_bridge': 'envoy.filters.http.grpc_http1_bridge',
  'envoy.grpc_json_transcoder': 'envoy.filters.http.grpc_json_transcoder', 'envoy.grpc_web': 'envoy.filters.http.grpc_web',
  'envoy.gzip': 'envoy.filters.http.gzip', 'envoy.health_check': 'envoy.filters.http.health_check', 'envoy.ip_tagging': 'envoy.filters.http.ip_tagging',
  'envoy.lua': 'envoy.filters.http.lua', 'envoy.rate_limit': 'envoy.filters.http.ratelimit', 'envoy.router': 'envoy.filters.http.router',
  'envoy.squash': 'envoy.filters.http.squash', 'envoy.listener.http_inspector': 'envoy.filters.listener.http_inspector',
  'envoy.listener.original_dst': 'envoy.filters.listener.original_dst', 'envoy.listener.original_src': 'envoy.filters.listener.original_src',
  'envoy.listener.proxy_protocol': 'envoy.filters.listener.proxy_protocol', 'envoy.listener.tls_inspector': 'envoy.filters.listener.tls_inspector',
  'envoy.client_ssl_auth': 'envoy.filters.network.client_ssl_auth', 'envoy.http_connection_manager': 'envoy.filters.network.http_connection_manager',
  'envoy.mongo_proxy': 'envoy.filters.network.mongo_proxy', 'envoy.ratelimit': 'envoy.filters.network.ratelimit',
  'envoy.redis_proxy': 'envoy.filters.network.redis_proxy', 'envoy.tcp_proxy': 'envoy.filters.network.tcp_proxy',
};

function deprecatedName(v: Verdict, path: Array<string | number>, name: unknown): void {
  const replacement = typeof name === 'string' ? DEPRECATED_FILTER_NAMES[name] : undefined;
  if (replacement) v.warning([...path, 'name'], `using deprecated filter name "${name}"; use "${replacement}" instead`);
}

/** The filter a listener-class patch matches; false when istiod stops checking the patch there. */
function filterMatch(v: Verdict, at: Array<string | number>, applyTo: string, filter: any): boolean {
  const path = [...at, 'match', 'listener', 'filterChain', 'filter'];
  const refuse = (p: Array<string | number>, message: string) => (v.error(p, message), false);
  if (applyTo === 'LISTENER' || applyTo === 'FILTER_CHAIN') v.warning(path, `Envoy filter: filter match has no effect when used with ${applyTo}`);
  if (!filter.name) return refuse(path, 'Envoy filter: filter match has no name to match on');
  if (filter.subFilter) {
    if (applyTo !== 'HTTP_FILTER') return refuse(path, 'Envoy filter: subfilter match can be used with applyTo HTTP_FILTER only');
    if (!HCM.has(filter.name)) return refuse(path, 'Envoy filter: subfilter match requires filter match with envoy.filters.network.http_connection_manager');
    if (!filter.subFilter.name) return refuse([...path, 'subFilter'], 'Envoy filter: subfilter match has no name to match on');
  }
  deprecatedName(v, path, filter.name);
  if (filter.subFilter) deprecatedName(v, [...path, 'subFilter'], filter.subFilter.name);
  return true;
}

/** That applyTo, match and patch line up, as the webhook checks them; then the patch value's xDS types. */
function configPatch(v: Verdict, at: Array<string | number>, cp: any): void {
  if (cp.match?.context === 'WAYPOINT') return; // istiod does not validate waypoint patches yet
  if (!cp.applyTo || cp.applyTo === 'INVALID') return v.error(at, 'Envoy filter: missing applyTo');
  if (!cp.patch) return v.error(at, 'Envoy filter: missing patch');
  if (!cp.patch.operation || cp.patch.operation === 'INVALID') return v.error([...at, 'patch'], 'Envoy filter: missing patch operation');
  if (cp.patch.operation !== 'REMOVE' && cp.patch.value === undefined) return v.error([...at, 'patch'], 'Envoy filter: missing patch value for non-remove operation');
  const version = cp.match?.proxy?.proxyVersion;
  if (typeof version === 'string' && version !== '' && !compiles(version)) {
    return v.error([...at, 'match', 'proxy', 'proxyVersion'], 'Envoy filter: invalid regex for proxy version');
  }
  const typed = OBJECT_TYPES.find(t => cp.match?.[t] !== undefined);
  if (typed && LISTENER_CLASS.has(cp.applyTo)) {
    if (typed !== 'listener') return v.error([...at, 'match'], 'Envoy filter: applyTo for listener class objects cannot have non listener match');
    const filter = cp.match.listener?.filterChain?.filter;
    if (filter && !filterMatch(v, at, cp.applyTo, filter)) return;
  } else if (typed && ROUTE_CLASS.has(cp.applyTo) && typed !== 'routeConfiguration') {
    v.error([...at, 'match'], 'Envoy filter: applyTo for http route class objects cannot have non route configuration match');
  } else if (typed && cp.applyTo === 'CLUSTER' && typed !== 'cluster') {
    v.error([...at, 'match'], 'Envoy filter: applyTo for cluster class objects cannot have non cluster match');
  }
  patchValue(v, [...at, 'patch', 'value'], cp.applyTo, cp.patch.value);
}

export function envoyFilter(v: Verdict, m: Manifest): void {
  v.warning(['spec'], 'EnvoyFilter exposes internal implementation details that may change at any time. Prefer other APIs if possible, and exercise extreme caution, especially around upgrades.');
  emptySelector(v, ['spec', 'workloadSelector'], m.object.spec?.workloadSelector, 'labels', 'Envoy filter: ');
  const patches = Array.isArray(m.object.spec?.configPatches) ? m.object.spec.configPatches : [];
  // the CRD refuses null patches
  patches.forEach((cp: any, i: number) => configPatch(v, ['spec', 'configPatches', i], cp));
}
