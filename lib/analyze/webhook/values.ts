import { DNS1123_LABEL, FQDN, IPV4, isIpAddress, Path, Verdict } from './verdict';

// Value rules istiod's webhook applies wherever a field of their kind appears (Istio 1.30
// pkg/config/validation, pkg/config/labels): header values, RE2 regexes, string matches, labels,
// gateway names, IP subnets and host subsets.

// ---- header values ------------------------------------------------------------------------------

/** Control characters other than tab are not allowed in a header value. */
// eslint-disable-next-line no-control-regex -- Envoy refuses header values with these control characters
const HEADER_VALUE = /^[^\u0000-\u0008\u000A-\u001F\u007F]*$/;

/**
 * Where Envoy's header formatter stops on a value (`%VAR%`, `%VAR(args)%`, `%%` for a literal `%`), or
 * undefined: the same state machine as istiod's port of Envoy's header_parser.cc.
 */
function envoyFormatError(value: string): string | undefined {
  type State = 'literal' | 'name' | 'array' | 'string' | 'inString' | 'delimiter' | 'argsEnd' | 'end';
  let state: State = 'literal';
  for (let pos = 0; pos < value.length; pos++) {
    const ch = value[pos];
    const hasNext = pos + 1 < value.length;
    switch (state) {
      case 'literal':
        if (ch !== '%') break;
        if (!hasNext) return 'invalid header configuration. Un-escaped %';
        if (value[pos + 1] === '%') pos++;
        else state = 'name';
        break;
      case 'name':
        if (ch === '%') state = 'literal';
        else if (ch === '(') state = 'array';
        break;
      case 'array':
        if (ch === '[') state = 'string';
        else if (ch !== ' ') state = 'inString';
        break;
      case 'delimiter':
        if (ch === ',') state = 'string';
        else if (ch === ']') state = 'argsEnd';
        else if (ch !== ' ') return "invalid header configuration. Expecting ',', ']', or whitespace";
        break;
      case 'string':
        if (ch === '"') state = 'inString';
        else if (ch !== ' ') return 'invalid header configuration. Expecting \'"\'';
        break;
      case 'inString':
        if (ch === '\\') {
          if (!hasNext) return 'invalid header configuration. Un-terminated backslash in JSON string';
          pos++;
        } else if (ch === ')') state = 'end';
        else if (ch === '"') state = 'delimiter';
        break;
      case 'argsEnd':
        if (ch === ')') state = 'end';
        else if (ch !== ' ') return "invalid header configuration. Expecting ')' or whitespace";
        break;
      case 'end':
        if (ch === '%') state = 'literal';
        else if (ch !== ' ') return "invalid header configuration. Expecting '%' or whitespace";
        break;
    }
  }
  return state === 'literal' ? undefined : `invalid header configuration. Un-terminated variable expression '${value}'`;
}

export function headerValue(v: Verdict, path: Path, value: unknown): void {
  if (typeof value !== 'string') return;
  if (!HEADER_VALUE.test(value)) return v.error(path, `header value configuration ${JSON.stringify(value)} is invalid`);
  const problem = envoyFormatError(value);
  if (problem) v.error(path, `header value configuration: ${problem}`);
}

// ---- regexes and string matches -----------------------------------------------------------------

/** Perl syntax RE2 does not have: lookarounds and backreferences. */
const NOT_RE2 = /\(\?<?[=!]|\\[1-9]/;

/** Why a regex does not compile as RE2 (Go's regexp, which istiod uses), or undefined. */
export function re2Error(pattern: string): string | undefined {
  if (pattern.length > 1024) return 'regex is too large, max length allowed is 1024';
  const unsupported = NOT_RE2.exec(pattern);
  if (unsupported) return `error parsing regexp: invalid or unsupported Perl syntax: \`${unsupported[0]}\``;
  const repeat = [...pattern.matchAll(/\{(\d+)(?:,(\d*))?\}/g)].find(m => Number(m[1]) > 1000 || Number(m[2] || 0) > 1000);
  if (repeat) return `error parsing regexp: invalid repeat count: \`${repeat[0]}\``;
  // RE2's named groups and flag groups, in JavaScript's spelling, so the rest compiles as JavaScript
  const translated = pattern.replace(/\(\?P</g, '(?<').replace(/\(\?[imsU-]+\)/g, '').replace(/\(\?[imsU-]+:/g, '(?:');
  try {
    new RegExp(translated, 'u');
    return undefined;
  } catch (e) {
    try {
      new RegExp(translated);
      return undefined;
    } catch {
      return `error parsing regexp: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`;
    }
  }
}

export function regex(v: Verdict, path: Path, pattern: unknown, where: string): void {
  if (typeof pattern !== 'string') return;
  const problem = re2Error(pattern);
  if (problem) v.error(path, `"${where}": ${problem}; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)`);
}

/** A StringMatch: a regex must be RE2 and not empty; a prefix may not be empty unless `emptyPrefix` (URIs). */
export function stringMatch(v: Verdict, path: Path, sm: any, where: string, options: { emptyPrefix?: boolean; regexOnly?: boolean } = {}): void {
  if (!sm || typeof sm !== 'object') return;
  if (sm.prefix === '' && !options.emptyPrefix && !options.regexOnly) v.error([...path, 'prefix'], `"${where}": prefix string match should not be empty`);
  if (sm.regex === '') v.error([...path, 'regex'], `"${where}": regex string match should not be empty`);
  else regex(v, [...path, 'regex'], sm.regex, where);
}

// ---- labels, gateway names, subnets, hosts ------------------------------------------------------

/** What Go's strconv.ParseBool accepts. */
export const GO_BOOLEANS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False']);

const QUALIFIED_NAME = '(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';

const DNS_LABEL = '[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?';

const LABEL_KEY = new RegExp(`^(${DNS_LABEL}(?:\\.${DNS_LABEL})*/)?(${QUALIFIED_NAME})$`);

const LABEL_VALUE = new RegExp(`^(${QUALIFIED_NAME})?$`);

/** Istio's labels.Instance.Validate: Kubernetes label keys (prefix ≤ 253, name ≤ 63) and label values. */
export function labels(v: Verdict, path: Path, value: unknown): void {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return;
  for (const [key, val] of Object.entries(value)) {
    const match = LABEL_KEY.exec(key);
    if (!match) v.error([...path, key], `invalid tag key: "${key}"`);
    else if ((match[1]?.length ?? 1) - 1 > 253) v.error([...path, key], `invalid tag key: "${key}" (DNS prefix is too long)`);
    else if (match[2].length > 63) v.error([...path, key], `invalid tag key: "${key}" (name is too long)`);
    if (typeof val === 'string' && !LABEL_VALUE.test(val)) v.error([...path, key], `invalid tag value: "${val}"`);
  }
}

/** `namespace/name` gateway references of a route or match, and the legacy `name.namespace` form. */
export function gatewayNames(v: Verdict, path: Path, names: unknown): void {
  if (!Array.isArray(names)) return;
  for (const [i, name] of names.entries()) {
    if (typeof name !== 'string') continue;
    const slash = name.indexOf('/');
    if (slash < 0) {
      if (name.includes('.')) {
        const [gw, ns] = name.split('.');
        v.warning([...path, i], `using legacy gatewayName format "${name}"; prefer the <namespace>/<name> format: "${ns}/${gw}"`);
      }
      if (!FQDN.test(name)) v.error([...path, i], `invalid gateway name "${name}": not a valid FQDN`);
      return;
    }
    const [ns, gw] = [name.slice(0, slash), name.slice(slash + 1)];
    if (ns === '' || gw === '') v.error([...path, i], 'config namespace and gateway name cannot be empty');
    if (!(ns.length <= 63 && DNS1123_LABEL.test(ns))) v.error([...path, i], `invalid value for namespace: "${ns}"`);
    if (!(gw.length <= 63 && DNS1123_LABEL.test(gw))) v.error([...path, i], `invalid value for gateway name: "${gw}"`);
  }
}

/** Go's netip.ParsePrefix: an address without zone, `/`, and a prefix length within its family. */
export function isPrefix(text: string): boolean {
  const [address, bits, ...rest] = text.split('/');
  if (bits === undefined || rest.length > 0 || address.includes('%') || !isIpAddress(address)) return false;
  return /^(0|[1-9]\d*)$/.test(bits) && Number(bits) <= (IPV4.test(address) ? 32 : 128);
}

/** An IP address, or a CIDR block when it has one `/`. */
export function ipSubnets(v: Verdict, path: Path, values: unknown): void {
  if (!Array.isArray(values)) return;
  values.forEach((value, i) => {
    if (typeof value !== 'string') return;
    if (value.split('/').length === 2 ? !isPrefix(value) : !isIpAddress(value)) {
      v.error([...path, i], value.includes('/') ? `${value} is not a valid CIDR block` : `${value} is not a valid IP`);
    }
  });
}

/** Istio's host.Name.SubsetOf: every host `host` matches is matched by `of` (`a.b.com` ⊂ `*.b.com` ⊂ `*.com`). */
export function hostSubsetOf(host: string, of: string): boolean {
  if (host.startsWith('*')) return of.startsWith('*') && host.slice(1).endsWith(of.slice(1));
  return of.startsWith('*') ? host.endsWith(of.slice(1)) : host === of;
}

// ---- ports, protocols, addresses ----------------------------------------------------------------

/** Protocols Istio knows (protocol.Parse); the empty protocol is sniffed. */
export const PROTOCOLS = new Set(['tcp', 'udp', 'grpc', 'grpc-web', 'http', 'http_proxy', 'http2', 'https', 'tls', 'mongo', 'redis', 'mysql']);

export const HTTP_PROTOCOLS = new Set(['http', 'http2', 'grpc', 'grpc-web', 'http_proxy']);

export const TLS_PROTOCOLS = new Set(['https', 'tls']);

/** A port name must be a DNS-1123 label. */
export function portName(v: Verdict, path: Path, name: unknown): void {
  if (typeof name === 'string' && !(name.length <= 63 && DNS1123_LABEL.test(name))) v.error(path, `invalid port name: ${name}`);
}

/** A protocol Istio knows, in any case; empty means sniffed. */
export function protocol(v: Verdict, path: Path, value: unknown): void {
  const text = String(value ?? '');
  if (text !== '' && !PROTOCOLS.has(text.toLowerCase())) v.error(path, `unsupported protocol: ${text}`);
}

/** A bind address: empty, or an IP address. */
export function ipAddress(v: Verdict, path: Path, value: unknown): void {
  if (typeof value === 'string' && value !== '' && !isIpAddress(value)) v.error(path, `${value} is not a valid IP`);
}

/** Istio's ValidateUnixAddress on `unix://<path>`: an abstract socket (`@name`) or an absolute file path. */
export function unixAddress(v: Verdict, path: Path, address: string): void {
  const file = address.slice('unix://'.length);
  if (file === '') v.error(path, 'unix address must not be empty');
  else if (!file.startsWith('@') && (!file.startsWith('/') || file.endsWith('/'))) v.error(path, `${file} is not an absolute path to a file`);
}

/** Go's net.SplitHostPort: `host:port` or `[ipv6]:port`, brackets removed; undefined without a port. */
export function splitHostPort(address: string): [host: string, port: string] | undefined {
  const match = /^(\[[^\]]*\]|[^:[\]]*):([^:]*)$/.exec(address);
  return match ? [match[1].replace(/^\[(.*)\]$/, '$1'), match[2]] : undefined;
}

// ---- policy attachment --------------------------------------------------------------------------

/**
 * A workload selector without labels selects every workload of the namespace: a warning. Sidecar,
 * EnvoyFilter and ServiceEntry name them `labels` and prefix the warning with the kind; policies name them
 * `matchLabels`.
 */
export function emptySelector(v: Verdict, path: Path, selector: unknown, labelsField: 'labels' | 'matchLabels', prefix = ''): void {
  if (!selector || typeof selector !== 'object') return;
  const selected = (selector as any)[labelsField];
  if (!selected || typeof selected !== 'object' || Object.keys(selected).length === 0) {
    v.warning(path, `${prefix}workload selector specified without labels${prefix ? ', will be applied to all services in namespace' : ''}`);
  }
}

/** What a policy's `targetRef(s)` may name: Services, ServiceEntries, Gateways and GatewayClasses. */
const TARGET_KINDS = new Set(['core/Service', 'networking.istio.io/ServiceEntry', 'gateway.networking.k8s.io/Gateway', 'gateway.networking.k8s.io/GatewayClass']);

/**
 * A policy's attachment: a `selector` (or `workloadSelector`) with `matchLabels`, which without labels
 * selects every workload of the namespace (a warning), and target references of the kinds istiod allows.
 */
export function attachment(v: Verdict, spec: any, selectorField = 'selector'): void {
  emptySelector(v, ['spec', selectorField], spec[selectorField], 'matchLabels');
  const refs: Array<[Path, any]> = [
    ...(spec.targetRef ? [[['spec', 'targetRef'], spec.targetRef] as [Path, any]] : []),
    ...(Array.isArray(spec.targetRefs) ? spec.targetRefs.map((r: any, i: number) => [['spec', 'targetRefs', i], r] as [Path, any]) : []),
  ];
  for (const [path, ref] of refs) {
    if (!ref || typeof ref !== 'object') continue;
    const group = ref.group || 'core';
    if (!TARGET_KINDS.has(`${group}/${ref.kind}`)) {
      v.error(path, `targetRef must be to one of [Service, ServiceEntry, Gateway, GatewayClass] but was ${ref.group ?? ''}/${ref.kind}`);
    }
  }
}

// istioctl 1.30's JWTClaimRouteAnalyzer (virtualservice/jwtclaimroute.go): routing on JWT claims needs a
// RequestAuthentication on the gateway pods, which validates the token and exposes its claims.

const CLAIM_PREFIX = '@request.auth.claims';

/** Whether a header match key names a JWT claim (`@request.auth.claims.sub`, `@request.auth.claims[sub]`). */
export function isClaimKey(key: string): boolean {
  if (!key.toLowerCase().startsWith(CLAIM_PREFIX)) return false;
  const rest = key.slice(CLAIM_PREFIX.length);
  return (rest.startsWith('.') && rest.length > 1) || (rest.startsWith('[') && rest.endsWith(']') && rest.length > 2);
}
