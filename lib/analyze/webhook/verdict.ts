import { check, Check, Finding, Severity } from '../finding';
import { Manifest } from '../read/manifest';
import { jsonPath } from '../read/values';

/** The checks of this module, by name; lib/analyze/catalogue.ts lists every module's in code order. */
export const CODES = {
  webhookRejects: check('CI104', Severity.ERROR, 'istiod webhook', "istiod's validating webhook refuses the object at kubectl apply (ranges, formats, exclusive fields, duplicate names)",
    'what istiod\'s validating webhook refuses at `kubectl apply` beyond schema and CEL, in its words (Istio 1.30 `pkg/config/validation/`): fault, mirror and outlier percentages out of range, abort status outside 200–599, durations below 1ms or finer than 1ms, retry policies (negative attempts, settings with attempts 0, unknown `retryOn`), route/redirect/direct response/mirror exclusivity, match header names that are no HTTP token, invalid match ports and source namespaces, header operations on `:` pseudo-headers or Host, header values Envoy\'s `%VAR%` formatter refuses or with control characters, regexes RE2 does not compile (lookarounds, backreferences, repeat counts above 1000, over 1024 characters) and empty prefix or regex string matches in matches, CORS origins and URI regex rewrites, match source labels that are no Kubernetes labels and gateway names that are neither `namespace/name` nor a DNS name (legacy `name.namespace` is a CI105 warning), TLS routes without match, SNI host or destination and SNI hosts outside the VirtualService\'s hosts (an IP is a warning), TCP routes without destination, destination subnets that are no IP or CIDR, CORS methods, header names and sub-second max ages, redirects without target or with a non-3xx code, empty rewrites, direct response statuses, `exportTo` entries (duplicates, `*` with others, `~` outside ServiceEntries, a selector DestinationRule exported elsewhere), all-zero weights; DestinationRule connection pools (empty, negative limits, client protocol with H2 upgrade, durations), consistent hashing (cookie names and attributes, Maglev table sizes, the deprecated minimum ring size), locality load balancing (weights, overlapping or malformed localities, failover between zones or within a region, failover beside topology priorities or without outlier detection), tunnels (protocol, host, port, beside the PROXY protocol), client TLS (skipping verification beside a CA, SANs or credential, a credential beside certificate files, MUTUAL without client certificate or key, `configmap://` credentials of another namespace); hosts that are not domain names (Istio\'s wildcard-domain rule, for DestinationRule, destination and mesh VirtualService hosts), subset names that are not DNS-1123 labels, destination ports outside 1..65535, `*` on the mesh, duplicate hosts and subset names; Gateway port 0 or above 65535, server hosts that are short names, partial wildcards or malformed `namespace/host`, duplicate server port names, unknown protocols, HTTPS/TLS servers without TLS settings, SIMPLE/MUTUAL without certificate, key or CA, TLS on plain ports, ISTIO_MUTUAL with certificates; JWT claim routing on the mesh; ServiceEntry endpoints naming ports it does not define or addresses that are neither FQDN nor IP, several hosts behind non-HTTP, non-TLS ports; Sidecars without configuration, with egress hosts not of the form `namespace/FQDN`, with two listeners on one port, a catch-all egress listener not last, an egress proxy outside ALLOW_ANY; WorkloadEntry addresses that are neither FQDN nor IP; EnvoyFilter patches without applyTo, operation or value, proxy versions that are no regex, matches of the wrong class (a cluster patch matching a listener), subfilter matches outside the HTTP connection manager, typed configs of v2 xDS types; ServiceEntry hosts, addresses, port names and protocols, STATIC endpoints that are no IP, DNS entries for wildcards without endpoints, endpoint labels and ports, DYNAMIC_DNS rules (wildcard hosts, no addresses or endpoints, HTTP/TLS/gRPC ports, no waypoint inside the mesh); Sidecar listener port names, protocols and binds, default endpoints, ingress TLS (no SANs, redirects, credentials, ISTIO_MUTUAL, TLS on plain ports), connection pools, unix socket listeners (paths, capture mode, duplicates), the egress proxy\'s host, port and subset; Gateway port names, binds and unix sockets, CRLs with SIMPLE TLS or credentials; the `istio.io/dry-run` annotation outside ALLOW/DENY AuthorizationPolicies and internal `internal.istio.io/…` annotations on any Istio kind; policy `targetRefs` to kinds other than Service, ServiceEntry, Gateway and GatewayClass; AuthorizationPolicy path templates (`{**}` last, no other braces); WorkloadGroup probes without method or command and probe header names with `_`; Telemetry tracing tags without name; WorkloadGroup label values; PeerAuthentication `portLevelMtls` keys that are no port; AuthorizationPolicy empty sources and operations, bad CIDRs, ports and service accounts, unknown or replaced condition keys, DENY or CUSTOM without rules, `provider` outside CUSTOM, what CUSTOM cannot match; RequestAuthentication rules without issuer or `jwksUri`, empty audiences and token locations, inline JWKS that do not parse. WasmPlugin\'s, TrafficExtension\'s and ProxyConfig\'s webhook rules are all in their CRDs already (CI101/CI102, tested), and so are many of the other kinds\'. EnvoyFilter patch values decoded into the Envoy v3 type of their `applyTo` as istiod decodes them (types, enums, oneofs, durations, `typed_config` by its `@type`: an error; unknown fields: a warning), from a table of Envoy\'s types generated from go-control-plane (scripts/envoy-types/). Run only on objects the schema accepted, as the API server calls the webhook'),
  webhookWarns: check('CI105', Severity.WARNING, 'istiod webhook', "istiod's validating webhook accepts the object with a warning",
    'what the webhook accepts with a warning (an abort without an error type, deprecated `mirrorPercent` and `consecutiveErrors`, certificates a passthrough server ignores, duplicate Sidecar egress hosts, several tracing configurations or providers, every EnvoyFilter (istiod warns that it exposes internals), a WorkloadEntry with a network but no address, a DENY rule of HTTP attributes alone, which denies all TCP traffic in its scope, selectors without labels (they select the whole namespace), legacy `name.namespace` gateway names, SNI hosts that are IP addresses, partial wildcard ServiceEntry hosts, TCP ServiceEntry ports without address or auto-allocation, several hosts beside an address and a TCP port, a workload selector with resolution NONE, failover without outlier detection, the deprecated minimum ring size, invalid or repeated cipher suites, TLS 1.0/1.1 without cipher suites, deprecated Envoy filter names, private keys in inline JWKS, direct response bodies over 100 KiB, HTTP pool settings on a non-HTTP Sidecar port, tag overrides without name)'),
} satisfies Record<string, Check>;

export type Path = ReadonlyArray<string | number>;

/** Collects the webhook's errors and warnings for one object, each at a path into it. */
export class Verdict {
  public readonly findings: Finding[] = [];
  public constructor(private readonly manifest: Manifest) {}

  public error(path: Path, message: string): void {
    this.findings.push(this.manifest.finding(CODES.webhookRejects, `${jsonPath(path)}: ${message}`, path));
  }

  public warning(path: Path, message: string): void {
    this.findings.push(this.manifest.finding(CODES.webhookWarns, `${jsonPath(path)}: ${message}`, path));
  }
}

export const isSet = (value: unknown) => value !== undefined && value !== null;
export const list = (value: unknown): any[] => (Array.isArray(value) ? value : []);

export function port(v: Verdict, path: Path, number: unknown): void {
  if (typeof number === 'number' && (number < 1 || number > 65535)) {
    v.error(path, `port number ${number} must be in the range 1..65535`);
  }
}

/** A protobuf duration (`1.5s`) to millisecond precision (the CRDs' CEL rules already require at least 1ms). */
export function duration(v: Verdict, path: Path, value: unknown): void {
  const match = typeof value === 'string' ? /^(-?\d+)(?:\.(\d{1,9}))?s$/.exec(value) : null;
  if (!match) return;
  const nanos = Number(match[1]) * 1e9 + Number((match[2] ?? '').padEnd(9, '0'));
  if (nanos % 1e6 !== 0) {
    v.error(path, `only durations to ms precision are supported (got ${value})`);
  }
}

// Istio's name, host and percentage rules, which several kinds share.

/** Istio's DNS-1123 label (pkg/config/labels): letters of either case, digits and '-'. */
export const DNS1123_LABEL = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;

export const WILDCARD_LABEL = /^(\*|(\*|\*-)?[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)$/;

export const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export const FQDN = /^(?=.{1,255}$)[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*\.?$/;

export const isIpAddress = (value: string) =>
  IPV4.test(value) || (value.includes(':') && /^[0-9a-fA-F:.]+$/.test(value) && (value.match(/::/g) ?? []).length <= 1);

/** Istio's ValidateWildcardDomain: `*` or `*foo` only as the first label, DNS-1123 labels, no numeric TLD. */
export function wildcardDomainError(domain: string): string | undefined {
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

/** A host part of a Gateway server or Sidecar egress entry: a FQDN (a Gateway also takes an IP), `*` or `*.suffix`. */
export function hostnamePartErrors(hostname: string, isGateway: boolean): string[] {
  const errors: string[] = [];
  if (hostname !== '*' && !hostname.includes('.')) errors.push('short names (non FQDN) are not allowed');
  const domain = wildcardDomainError(hostname);
  if (domain && !(isGateway && isIpAddress(hostname))) errors.push(domain);
  if (hostname.includes('*') && hostname !== '*' && !hostname.startsWith('*.')) errors.push(`partial wildcard "${hostname}" not allowed`);
  return errors;
}

/** Istio's ValidateNamespaceSlashWildcardHostname: `namespace/host` (a Gateway also takes a bare host). */
export function namespacedHost(v: Verdict, path: Path, hostname: string, isGateway: boolean): void {
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
export function exportTo(v: Verdict, m: Manifest, options: { serviceEntry?: boolean; selector?: boolean } = {}): void {
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

export function percentage(v: Verdict, path: Path, value: unknown): void {
  if (typeof value === 'number' && (value < 0 || value > 100 || (value > 0 && value < 0.0001))) {
    v.error(path, `percentage ${value} is neither 0.0, nor in range [0.0001, 100.0]`);
  }
}

export function intPercent(v: Verdict, path: Path, value: unknown): void {
  if (typeof value === 'number' && (value < 0 || value > 100)) {
    v.error(path, `percentage ${value} is not in range 0..100`);
  }
}

export function subsetName(v: Verdict, path: Path, name: unknown): void {
  if (typeof name !== 'string') return;
  if (name === '') {
    v.error(path, 'subset name cannot be empty');
  } else if (!DNS1123_LABEL.test(name) || name.length > 63) {
    v.error(path, `subset name is invalid: ${name} (a DNS-1123 label: lowercase letters, digits, '-')`);
  }
}

export function destination(v: Verdict, path: Path, dest: any): void {
  if (!dest || typeof dest !== 'object') return;
  const hostError = dest.host === '*' ? 'invalid destination host *' : typeof dest.host === 'string' ? wildcardDomainError(dest.host) : undefined;
  if (hostError) v.error([...path, 'host'], hostError);
  if (isSet(dest.subset)) subsetName(v, [...path, 'subset'], dest.subset);
  port(v, [...path, 'port', 'number'], dest.port?.number);
}
