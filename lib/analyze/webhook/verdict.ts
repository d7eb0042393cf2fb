import { check, Check, Finding, Severity } from '../finding';
import { Manifest } from '../read/manifest';
import { jsonPath } from '../schema/schema';

/** The checks of this module, by name; lib/analyze/catalogue.ts lists every module's in code order. */
export const CODES = {
  webhookRejects: check('CI104', Severity.ERROR, 'istiod webhook', "istiod's validating webhook refuses the object at kubectl apply (ranges, formats, exclusive fields, duplicate names)"),
  webhookWarns: check('CI105', Severity.WARNING, 'istiod webhook', "istiod's validating webhook accepts the object with a warning"),
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
