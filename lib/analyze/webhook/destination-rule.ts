import { Manifest } from '../read/manifest';
import { attachment } from './values';
import { duration, exportTo, FQDN, intPercent, isIpAddress, list, Path, subsetName, Verdict, wildcardDomainError } from './verdict';

/**
 * What istiod's validating webhook (`pkg/config/validation/` in Istio 1.30) refuses at `kubectl apply`
 * beyond the CRD schema and CEL rules, in the webhook's own words. The API server runs the webhook only
 * on objects its schema accepted, so these rules read well-typed objects. One module per family of kinds.
 */

// ---- DestinationRule ----------------------------------------------------------------------------

export function destinationRule(v: Verdict, m: Manifest): void {
  const spec = m.object.spec ?? {};
  const hostError = typeof spec.host === 'string' ? wildcardDomainError(spec.host) : undefined;
  if (hostError) v.error(['spec', 'host'], hostError);
  exportTo(v, m, { selector: spec.workloadSelector !== undefined });
  attachment(v, spec, 'workloadSelector');
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

// istiod's webhook rules for a DestinationRule's traffic policies (Istio 1.30 pkg/config/validation/
// validation.go and agent/validation.go): outlier detection, connection pools, load balancing with
// consistent hashing, locality and warmup, client TLS, and tunnels, per port too.

const isNumber = (value: unknown): value is number => typeof value === 'number';

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

const HTTP_POOL_COUNTS: ReadonlyArray<[string, string]> = [
  ['http1MaxPendingRequests', 'http1 max pending requests'], ['http2MaxRequests', 'http2 max requests'],
  ['maxRequestsPerConnection', 'max requests per connection'], ['maxRetries', 'max retries'],
  ['maxConcurrentStreams', 'max concurrent streams'],
];

export function connectionPool(v: Verdict, path: Path, pool: any): void {
  if (!pool.http && !pool.tcp) return v.error(path, 'connection pool must have at least one field');
  if (pool.http) {
    const at = [...path, 'http'];
    for (const [field, label] of HTTP_POOL_COUNTS) {
      if (isNumber(pool.http[field]) && pool.http[field] < 0) v.error([...at, field], `${label} must be non-negative`);
    }
    duration(v, [...at, 'idleTimeout'], pool.http.idleTimeout);
    if (pool.http.h2UpgradePolicy === 'UPGRADE' && pool.http.useClientProtocol) {
      v.error(at, 'use client protocol must not be true when H2UpgradePolicy is UPGRADE');
    }
  }
  if (pool.tcp) {
    const at = [...path, 'tcp'];
    if (isNumber(pool.tcp.maxConnections) && pool.tcp.maxConnections < 0) v.error([...at, 'maxConnections'], 'max connections must be non-negative');
    for (const field of ['connectTimeout', 'maxConnectionDuration']) duration(v, [...at, field], pool.tcp[field]);
    // an idle timeout of 0s turns the timeout off
    if (pool.tcp.idleTimeout !== '0s') duration(v, [...at, 'idleTimeout'], pool.tcp.idleTimeout);
    for (const field of ['time', 'interval']) duration(v, [...at, 'tcpKeepalive', field], pool.tcp.tcpKeepalive?.[field]);
  }
}

/** Envoy's primality test, which istiod copies for Maglev table sizes. */
function isPrime(x: number): boolean {
  if (x !== 0 && x < 4) return true;
  if (x % 2 === 0) return false;
  for (let factor = 3; factor <= Math.floor(Math.sqrt(x)); factor += 2) {
    if (x % factor === 0) return false;
  }
  return true;
}

function consistentHash(v: Verdict, path: Path, hash: any): void {
  const cookie = hash.httpCookie;
  if (cookie && !cookie.name) v.error([...path, 'httpCookie', 'name'], 'name required for HttpCookie');
  const names = new Set<string>();
  list(cookie?.attributes).forEach((attribute, i) => {
    const at = [...path, 'httpCookie', 'attributes', i, 'name'];
    if (!attribute?.name) v.error(at, 'cookie attribute name cannot be empty');
    else if (names.has(attribute.name)) v.error(at, `duplicate cookie attribute name: ${attribute.name}`);
    else names.add(attribute.name);
  });
  if (hash.minimumRingSize) {
    v.warning([...path, 'minimumRingSize'], "consistent hash MinimumRingSize is deprecated, use ConsistentHashLB's RingHash configuration instead");
    if (hash.ringHash || hash.maglev) v.error(path, 'only one of MinimumRingSize or Maglev/Ringhash can be specified');
  }
  if (hash.maglev) {
    const size = hash.maglev.tableSize ?? 0;
    const at = [...path, 'maglev', 'tableSize'];
    if (size === 0) v.error(at, 'tableSize must be set for maglev');
    if (size >= 5000011) v.error(at, 'tableSize must be less than 5000011 for maglev');
    if (!isPrime(size)) v.error(at, 'tableSize must be a prime number for maglev');
  }
}

/** Go's strings.SplitN(s, "/", 3). */
const splitLocality = (locality: string) => {
  const [region, ...rest] = locality.split('/');
  return rest.length <= 1 ? [region, ...rest] : [region, rest[0], rest.slice(1).join('/')];
};

/** Localities must not overlap (`us-east` covers `us-east/a`), and a `*` may only end one. */
function localitiesError(localities: string[]): string | undefined {
  const regions = new Map<string, Map<string, Set<string>>>();
  for (const locality of localities) {
    const overlap = `locality ${locality} overlap with previous specified ones`;
    const stars = locality.split('*').length - 1;
    if (stars > 1 || (stars === 1 && !locality.endsWith('*'))) return `locality ${locality} wildcard '*' number can not exceed 1 and must be in the end`;
    if (regions.has('*')) return overlap;
    const items = splitLocality(locality);
    if (items.includes('')) return `locality ${locality} must not contain empty region/zone/subzone info`;
    const [region, zone, subZone] = items;
    const zones = regions.get(region);
    if (items.length === 1) {
      if (zones) return overlap;
      regions.set(region, new Map([['*', new Set(['*'])]]));
    } else if (!zones) {
      regions.set(region, new Map([[zone, new Set([subZone ?? '*'])]]));
    } else if (zones.has('*')) {
      return overlap;
    } else if (items.length === 2) {
      if (zones.has(zone)) return overlap;
      zones.set(zone, new Set(['*']));
    } else {
      const subZones = zones.get(zone);
      if (subZones?.has('*') || subZones?.has(subZone)) return overlap;
      if (subZones) subZones.add(subZone);
      else zones.set(zone, new Set([subZone]));
    }
  }
  return undefined;
}

const TOPOLOGY_LABELS = new Set(['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone']);

function localityLb(v: Verdict, path: Path, lb: any, outlier: unknown): void {
  const distribute = list(lb.distribute);
  const failover = list(lb.failover);
  if (distribute.length > 0 && failover.length > 0) return v.error(path, "can not simultaneously specify 'distribute' and 'failover'");
  const topology = failover.length > 0 ? list(lb.failoverPriority).find(l => TOPOLOGY_LABELS.has(l)) : undefined;
  if (topology) return v.error([...path, 'failoverPriority'], `can not simultaneously set 'failover' and topology label '${topology}' in 'failover_priority'`);
  for (const [i, entry] of distribute.entries()) {
    const weights = Object.values(entry?.to ?? {}) as unknown[];
    if (weights.some(w => !isNumber(w) || w <= 0 || w > 100)) return v.error([...path, 'distribute', i, 'to'], 'locality weight must be in range [1, 100]');
    const total = weights.reduce((sum: number, w) => sum + (w as number), 0);
    if (total !== 100) return v.error([...path, 'distribute', i, 'to'], `total locality weight ${total} != 100`);
    const problem = localitiesError(Object.keys(entry?.to ?? {}));
    if (problem) v.error([...path, 'distribute', i, 'to'], problem);
  }
  const sources = localitiesError(distribute.map(d => d?.from ?? ''));
  if (sources) v.error([...path, 'distribute'], sources);
  if ((failover.length > 0 || list(lb.failoverPriority).length > 0) && !outlier) {
    v.warning(path, 'outlier detection policy must be provided for failover');
  }
  failover.forEach((f, i) => {
    const [from, to] = [String(f?.from ?? ''), String(f?.to ?? '')];
    const at = [...path, 'failover', i];
    if (from === to) v.error(at, 'locality lb failover settings must specify different regions');
    if (from.includes('/') || to.includes('/')) v.error(at, 'locality lb failover only specify region');
    if (from.includes('*') || to.includes('*')) v.error(at, "locality lb failover region should not contain '*' wildcard");
  });
}

function loadBalancer(v: Verdict, path: Path, lb: any, outlier: unknown): void {
  if (lb.consistentHash) consistentHash(v, [...path, 'consistentHash'], lb.consistentHash);
  if (lb.localityLbSetting) localityLb(v, [...path, 'localityLbSetting'], lb.localityLbSetting, outlier);
  const warmup = lb.warmup;
  if (!warmup) return;
  // the CRD requires the duration
  duration(v, [...path, 'warmup', 'duration'], warmup.duration);
  if (isNumber(warmup.minimumPercent) && warmup.minimumPercent > 100) v.error([...path, 'warmup', 'minimumPercent'], 'minimumPercent value should be less than or equal to 100');
  if (isNumber(warmup.aggression) && warmup.aggression < 1) v.error([...path, 'warmup', 'aggression'], 'aggression should be greater than or equal to 1');
}

function tunnel(v: Verdict, path: Path, t: any): void {
  if (t.protocol && t.protocol !== 'CONNECT' && t.protocol !== 'POST') v.error([...path, 'protocol'], 'tunnel protocol must be "CONNECT" or "POST"');
  if (typeof t.targetHost === 'string' && !FQDN.test(t.targetHost) && !isIpAddress(t.targetHost)) {
    v.error([...path, 'targetHost'], `tunnel target host must be valid FQDN or IP address: ${t.targetHost}`);
  }
  if (isNumber(t.targetPort) && (t.targetPort < 1 || t.targetPort > 65535)) {
    v.error([...path, 'targetPort'], `tunnel target port is invalid: port number ${t.targetPort} must be in the range 1..65535`);
  }
}

/** A `configmap://namespace/name` credential: both parts present, in the DestinationRule's namespace. */
function configMapCredential(v: Verdict, path: Path, credential: string, namespace: string): void {
  const [ns, name] = credential.slice('configmap://'.length).split('/');
  if (name === undefined) v.error(path, `invalid configmap:// credentialName: invalid resource name "${credential}". Expected namespace and name`);
  else if (ns === '') v.error(path, `invalid configmap:// credentialName: invalid resource name "${credential}". Expected namespace`);
  else if (name === '') v.error(path, `invalid configmap:// credentialName: invalid resource name "${credential}". Expected name`);
  else if (ns !== namespace) v.error(path, `invalid configmap:// credentialName: namespace must match the configuration namespace "${namespace}"`);
}

/** Client TLS: skipping verification excludes what verification needs; MUTUAL needs a client certificate and key. */
function clientTls(v: Verdict, path: Path, tls: any, namespace: string): void {
  const credential = typeof tls.credentialName === 'string' ? tls.credentialName : '';
  if (credential.startsWith('configmap://')) configMapCredential(v, [...path, 'credentialName'], credential, namespace);
  if (tls.insecureSkipVerify === true) {
    if (tls.mode === 'SIMPLE' && (tls.caCertificates || credential || tls.subjectAltNames)) {
      v.error(path, 'cannot specify CaCertificates or CredentialName or SubjectAltNames when InsecureSkipVerify is set true');
    }
    if (tls.mode === 'MUTUAL' && (tls.caCertificates || tls.subjectAltNames)) {
      v.error(path, 'cannot specify CaCertificates or SubjectAltNames when InsecureSkipVerify is set true');
    }
  }
  if ((tls.mode === 'SIMPLE' || tls.mode === 'MUTUAL') && credential) {
    if (tls.clientCertificate || tls.caCertificates || tls.privateKey || tls.caCrl) {
      v.error(path, 'cannot specify client certificates or CA certificate or CA CRL If credentialName is set');
    }
    return;
  }
  if (tls.mode === 'MUTUAL') {
    if (!tls.clientCertificate) v.error(path, 'client certificate required for mutual tls');
    if (!tls.privateKey) v.error(path, 'private key required for mutual tls');
  }
}

/** The settings a policy and each of its ports share. */
function settings(v: Verdict, path: Path, s: any, namespace: string): void {
  if (s.tls && typeof s.tls === 'object') clientTls(v, [...path, 'tls'], s.tls, namespace);
  if (s.outlierDetection) outlierDetection(v, [...path, 'outlierDetection'], s.outlierDetection);
  if (s.connectionPool) connectionPool(v, [...path, 'connectionPool'], s.connectionPool);
  if (s.loadBalancer) loadBalancer(v, [...path, 'loadBalancer'], s.loadBalancer, s.outlierDetection);
}

export function trafficPolicy(v: Verdict, path: Path, policy: any, namespace: string): void {
  if (!policy || typeof policy !== 'object') return;
  if (policy.tunnel && policy.proxyProtocol) return v.error(path, 'tunnel and proxyProtocol must not be set together');
  settings(v, path, policy, namespace);
  if (policy.tunnel) tunnel(v, [...path, 'tunnel'], policy.tunnel);
  list(policy.portLevelSettings).forEach((s, i) => {
    const at = [...path, 'portLevelSettings', i];
    if (!s?.port) v.error(at, 'portTrafficPolicy must have valid port');
    if (!s?.outlierDetection && !s?.connectionPool && !s?.loadBalancer && !s?.tls) {
      v.error(at, 'port traffic policy must have at least one field');
    } else {
      settings(v, at, s, namespace);
    }
  });
}
