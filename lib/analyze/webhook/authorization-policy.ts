import { Manifest } from '../read/manifest';
import { attachment } from './values';
import { IPV4, isIpAddress, list, Path, Verdict } from './verdict';

// istiod's webhook rules for AuthorizationPolicy and RequestAuthentication (Istio 1.30,
// pkg/config/validation/validation.go and pkg/config/security/security.go).

const SOURCE_FIELDS = ['principals', 'requestPrincipals', 'namespaces', 'ipBlocks', 'remoteIpBlocks', 'serviceAccounts', 'trustDomains'];

const OPERATION_FIELDS = ['ports', 'methods', 'paths', 'hosts'];

const withNegations = (fields: string[]) => fields.flatMap(f => [f, `not${f[0].toUpperCase()}${f.slice(1)}`]);

const SOURCE_KEYS = withNegations(SOURCE_FIELDS);

const OPERATION_KEYS = withNegations(OPERATION_FIELDS);

/** Condition keys the webhook accepts with any value, and those whose value it checks. */
const PLAIN_KEYS = new Set(['source.namespace', 'source.principal', 'request.auth.principal', 'request.auth.audiences',
  'request.auth.presenter', 'connection.sni']);

const MAP_KEY_PREFIXES = ['request.headers', 'request.auth.claims', 'experimental.envoy.filters.'];

const REPLACED_KEYS: Record<string, string> = {
  'destination.namespace': 'is replaced by the metadata.namespace',
  'destination.name': 'deprecated: only supported in v1alpha1',
  'destination.user': 'deprecated: only supported in v1alpha1',
};

/** Fields and condition keys that the CUSTOM action cannot match on. */
const CUSTOM_UNSUPPORTED = ['namespaces', 'notNamespaces', 'serviceAccounts', 'notServiceAccounts', 'trustDomains',
  'notTrustDomains', 'principals', 'notPrincipals', 'requestPrincipals', 'notRequestPrincipals'];

const CUSTOM_UNSUPPORTED_KEYS = ['source.namespace', 'source.serviceAccount', 'source.trustDomain', 'source.principal'];

const count = (object: any, fields: string[]) => fields.reduce((n, f) => n + list(object?.[f]).length, 0);

const has = (object: any, fields: string[]) => fields.some(f => Array.isArray(object?.[f]));

/** An IP address or a CIDR range of one. */
function isIpOrCidr(value: string): boolean {
  const [address, bits, ...rest] = value.split('/');
  if (rest.length > 0 || !isIpAddress(address)) return false;
  return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (IPV4.test(address) ? 32 : 128));
}

function ips(v: Verdict, path: Path, values: unknown): void {
  list(values).forEach((value, i) => {
    if (typeof value === 'string' && value !== '' && !isIpOrCidr(value)) {
      v.error([...path, i], value.includes('/') ? `bad CIDR range (${value})` : `bad IP address (${value})`);
    }
  });
}

function ports(v: Verdict, path: Path, values: unknown): void {
  list(values).forEach((value, i) => {
    if (typeof value === 'string' && value !== '' && !(/^\d+$/.test(value) && Number(value) <= 65535)) {
      v.error([...path, i], `bad port (${value})`);
    }
  });
}

function nonEmpty(v: Verdict, path: Path, object: any, fields: string[]): void {
  for (const field of fields) {
    if (list(object?.[field]).some(value => value === '')) v.error([...path, field], `empty value not allowed, found in ${field}`);
  }
}

function wildcards(v: Verdict, path: Path, values: unknown): void {
  for (const value of list(values)) {
    if (typeof value !== 'string') continue;
    const stars = value.split('*').length - 1;
    if (stars > 1) v.error(path, `at most one wildcard is allowed: "${value}"`);
    else if (stars === 1 && value !== '*' && !value.startsWith('*') && !value.endsWith('*')) {
      v.error(path, `wildcard is only allowed at the start or end: "${value}"`);
    }
  }
}

function serviceAccounts(v: Verdict, path: Path, values: unknown): void {
  const accounts = list(values);
  if (accounts.length > 16) v.error(path, 'may not have more than 16 values');
  for (const value of accounts) {
    if (typeof value !== 'string' || value === '') continue;
    const parts = value.split('/');
    if (value.includes('*')) v.error(path, `wildcard not allowed: "${value}"`);
    else if (parts.length > 2 || parts.some(p => p === '')) v.error(path, `expected format 'serviceAccount' or 'namespace/serviceAccount', found "${value}"`);
  }
}

function source(v: Verdict, path: Path, src: any, rule: number): void {
  if (count(src, SOURCE_KEYS) === 0) v.error(path, `\`from.source\` must not be empty, found at rule ${rule}`);
  for (const field of ['ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks']) ips(v, [...path, field], src[field]);
  nonEmpty(v, path, src, SOURCE_KEYS);
  for (const field of ['serviceAccounts', 'notServiceAccounts']) serviceAccounts(v, [...path, field], src[field]);
  for (const field of ['trustDomains', 'notTrustDomains']) wildcards(v, [...path, field], src[field]);
}

const PATH_LITERAL = /^[a-zA-Z0-9-._~%!$&'()+,;:@=]+$/;

/** Path templates: `{*}` matches one segment and `{**}` the rest, so `{**}` comes last and no other braces appear. */
function pathTemplates(v: Verdict, path: Path, values: unknown, key: string): void {
  for (const value of list(values)) {
    if (typeof value !== 'string') continue;
    const templated = value.includes('{*}') || value.includes('{**}');
    const trimmed = value.replace(/^\/+|\/+$/g, '');
    let anyFound = false;
    for (const glob of trimmed.split('/')) {
      const template = glob === '{*}' || glob === '{**}';
      if (template && anyFound) return v.error(path, `invalid or unsupported path ${trimmed}, found in ${key}. {**} is not the last operator`);
      if (template) {
        anyFound ||= glob === '{**}';
        continue;
      }
      if (/[{}]/.test(glob)) return v.error(path, `invalid or unsupported path ${trimmed}, found in ${key}. Contains '{' or '}' beyond a supported path template`);
      if (templated && !PATH_LITERAL.test(glob)) return v.error(path, `invalid or unsupported path ${trimmed}, found in ${key}. Contains segment ${glob} with invalid string literal`);
    }
  }
}

function operation(v: Verdict, path: Path, op: any, rule: number): void {
  if (count(op, OPERATION_KEYS) === 0) v.error(path, `\`to.operation\` must not be empty, found at rule ${rule}`);
  pathTemplates(v, [...path, 'paths'], op.paths, 'Paths');
  pathTemplates(v, [...path, 'notPaths'], op.notPaths, 'NotPaths');
  ports(v, [...path, 'ports'], op.ports);
  ports(v, [...path, 'notPorts'], op.notPorts);
  nonEmpty(v, path, op, OPERATION_KEYS);
}

function conditionValues(v: Verdict, path: Path, key: string, values: unknown): void {
  if (list(values).some(value => value === '')) {
    v.error(path, `invalid value for key ${key}: empty value not allowed`);
  } else if (key === 'source.ip' || key === 'remote.ip' || key === 'destination.ip') {
    ips(v, path, values);
  } else if (key === 'destination.port') {
    ports(v, path, values);
  } else if (key === 'source.serviceAccount') {
    serviceAccounts(v, path, values);
  } else if (key === 'source.trustDomain') {
    wildcards(v, path, values);
  }
}

function condition(v: Verdict, path: Path, when: any): void {
  const key = when?.key;
  if (typeof key !== 'string' || key === '') return; // the CRD requires a key
  if (list(when.values).length === 0 && list(when.notValues).length === 0) {
    v.error(path, `at least one of \`values\` or \`notValues\` must be set for key ${key}`);
    return;
  }
  const prefix = MAP_KEY_PREFIXES.find(p => key.startsWith(p));
  if (key.startsWith('destination.labels')) {
    v.error([...path, 'key'], `attribute ${key} is replaced by the workload selector`);
  } else if (REPLACED_KEYS[key]) {
    v.error([...path, 'key'], `attribute ${key} ${REPLACED_KEYS[key]}`);
  } else if (prefix) {
    const open = key.indexOf('[');
    if (!(key.endsWith(']') && open > 0 && open < key.length - 2)) v.error([...path, 'key'], `bad key (${key}): should have format a[b]`);
  } else if (!PLAIN_KEYS.has(key) && !['source.ip', 'remote.ip', 'destination.ip', 'destination.port', 'source.serviceAccount', 'source.trustDomain'].includes(key)) {
    v.error([...path, 'key'], `unknown attribute: ${key}`);
  }
  conditionValues(v, [...path, 'values'], key, when.values);
  conditionValues(v, [...path, 'notValues'], key, when.notValues);
}

function customAction(v: Verdict, spec: any): void {
  if (!Array.isArray(spec.rules)) {
    v.error(['spec'], 'CUSTOM action without `rules` is meaningless as it will never be triggered, add an empty rule `{}` if you want it be triggered for every request');
  } else if (!spec.provider?.name) {
    v.error(['spec', 'provider'], '`provider.name` must not be empty');
  }
  list(spec.rules).forEach((rule, i) => {
    list(rule?.from).forEach((from, j) => {
      for (const field of CUSTOM_UNSUPPORTED) {
        if (list(from?.source?.[field]).length > 0) v.error(['spec', 'rules', i, 'from', j, 'source', field], `From.${field[0].toUpperCase()}${field.slice(1)} is currently not supported with CUSTOM action`);
      }
    });
    list(rule?.when).forEach((when, j) => {
      if (CUSTOM_UNSUPPORTED_KEYS.includes(when?.key) || String(when?.key).startsWith('request.auth.')) {
        v.error(['spec', 'rules', i, 'when', j, 'key'], `${when.key} is currently not supported with CUSTOM action`);
      }
    });
  });
}

function rule(v: Verdict, path: Path, r: any, i: number, action: string): void {
  if (Array.isArray(r.from) && r.from.length === 0) v.error([...path, 'from'], `\`from\` must not be empty, found at rule ${i}`);
  if (Array.isArray(r.to) && r.to.length === 0) v.error([...path, 'to'], `\`to\` must not be empty, found at rule ${i}`);
  let tcpFrom = false;
  let tcpTo = false;
  list(r.from).forEach((from, j) => {
    if (!from?.source) {
      v.error([...path, 'from', j], `\`from.source\` must not be nil, found at rule ${i}`);
      return;
    }
    source(v, [...path, 'from', j, 'source'], from.source, i);
    tcpFrom ||= has(from.source, withNegations(['principals', 'ipBlocks', 'namespaces', 'remoteIpBlocks', 'serviceAccounts']));
  });
  list(r.to).forEach((to, j) => {
    if (!to?.operation) {
      v.error([...path, 'to', j], `\`to.operation\` must not be nil, found at rule ${i}`);
      return;
    }
    operation(v, [...path, 'to', j, 'operation'], to.operation, i);
    tcpTo ||= has(to.operation, ['ports', 'notPorts']);
  });
  list(r.when).forEach((when, j) => condition(v, [...path, 'when', j], when));
  const fromOnly = list(r.from).some(f => f?.source) && !list(r.to).some(t => t?.operation);
  const toAny = list(r.to).some(t => t?.operation);
  if (action === 'DENY' && ((fromOnly && !tcpFrom) || (toAny && !tcpTo))) {
    v.warning(path, 'configured AuthorizationPolicy will deny all traffic to TCP ports under its scope due to the use of only HTTP attributes in a DENY rule; it is recommended to explicitly specify the port');
  }
}

export function authorizationPolicy(v: Verdict, m: Manifest): void {
  const spec = m.object.spec ?? {};
  attachment(v, spec);
  const action = spec.action ?? 'ALLOW';
  if (action === 'CUSTOM') customAction(v, spec);
  if (spec.provider && action !== 'CUSTOM') v.error(['spec', 'provider'], `\`provider\` must not be with non CUSTOM action, found ${action}`);
  if (action === 'DENY' && !Array.isArray(spec.rules)) {
    v.error(['spec'], 'DENY action without `rules` is meaningless as it will never be triggered, add an empty rule `{}` if you want it be triggered for every request');
  }
  list(spec.rules).forEach((r, i) => {
    if (r && typeof r === 'object') rule(v, ['spec', 'rules', i], r, i, action);
  });
}
