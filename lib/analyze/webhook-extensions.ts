import { Manifest } from './manifest';
import { Verdict } from './webhook-verdict';

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

function filterMatch(v: Verdict, at: Array<string | number>, applyTo: string, filter: any): void {
  const path = [...at, 'match', 'listener', 'filterChain', 'filter'];
  if (applyTo === 'LISTENER' || applyTo === 'FILTER_CHAIN') v.warning(path, `Envoy filter: filter match has no effect when used with ${applyTo}`);
  if (!filter.name) {
    v.error(path, 'Envoy filter: filter match has no name to match on');
  } else if (filter.subFilter) {
    if (applyTo !== 'HTTP_FILTER') v.error(path, 'Envoy filter: subfilter match can be used with applyTo HTTP_FILTER only');
    else if (!HCM.has(filter.name)) v.error(path, 'Envoy filter: subfilter match requires filter match with envoy.filters.network.http_connection_manager');
    else if (!filter.subFilter.name) v.error([...path, 'subFilter'], 'Envoy filter: subfilter match has no name to match on');
  }
}

/** That applyTo, match and patch line up, as the webhook checks them (the patch value's xDS type aside). */
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
  if (!typed) return;
  if (LISTENER_CLASS.has(cp.applyTo)) {
    if (typed !== 'listener') return v.error([...at, 'match'], 'Envoy filter: applyTo for listener class objects cannot have non listener match');
    const filter = cp.match.listener?.filterChain?.filter;
    if (filter) filterMatch(v, at, cp.applyTo, filter);
  } else if (ROUTE_CLASS.has(cp.applyTo) && typed !== 'routeConfiguration') {
    v.error([...at, 'match'], 'Envoy filter: applyTo for http route class objects cannot have non route configuration match');
  } else if (cp.applyTo === 'CLUSTER' && typed !== 'cluster') {
    v.error([...at, 'match'], 'Envoy filter: applyTo for cluster class objects cannot have non cluster match');
  }
}

export function envoyFilter(v: Verdict, m: Manifest): void {
  v.warning(['spec'], 'EnvoyFilter exposes internal implementation details that may change at any time. Prefer other APIs if possible, and exercise extreme caution, especially around upgrades.');
  const patches = Array.isArray(m.object.spec?.configPatches) ? m.object.spec.configPatches : [];
  // the CRD refuses null patches
  patches.forEach((cp: any, i: number) => configPatch(v, ['spec', 'configPatches', i], cp));
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const PROBE_HEADER_NAME = /^[-A-Za-z0-9]+$/;

/** The CRD checks numbers, ports and schemes; the webhook needs one health check method, a command, header names without `_`. */
function readinessProbe(v: Verdict, probe: any): void {
  const path = ['spec', 'probe'];
  if (probe.httpGet) {
    (Array.isArray(probe.httpGet.httpHeaders) ? probe.httpGet.httpHeaders : []).forEach((header: any, i: number) => {
      if (typeof header?.name === 'string' && !PROBE_HEADER_NAME.test(header.name)) {
        v.error([...path, 'httpGet', 'httpHeaders', i, 'name'], `header name ${header.name} is not a valid header name`);
      }
    });
  } else if (probe.exec) {
    if (!Array.isArray(probe.exec.command) || probe.exec.command.length === 0) v.error([...path, 'exec', 'command'], 'exec.command is required');
  } else if (!probe.tcpSocket) {
    v.error(path, 'unknown health check method <nil>: set httpGet, tcpSocket or exec');
  }
}

export function workloadGroup(v: Verdict, m: Manifest): void {
  for (const [key, value] of Object.entries(m.object.spec?.metadata?.labels ?? {})) {
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
      v.error(['spec', 'metadata', 'labels', key], `invalid labels: value '${String(value)}' of label '${key}' is not a valid label value`);
    }
  }
  if (m.object.spec?.probe && typeof m.object.spec.probe === 'object') readinessProbe(v, m.object.spec.probe);
}
