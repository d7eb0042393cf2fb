import { check, Check, Finding, Severity } from '../finding';
import { Manifest } from '../read/manifest';

/** The checks of this module, by name; lib/analyze/catalogue.ts lists every module's in code order. */
export const CODES = {
  metadata: check('CI009', Severity.ERROR, 'API server', 'object metadata the API server refuses: name, namespace, labels, annotations',
    'object metadata the API server refuses for every kind (apimachinery\'s ObjectMeta validation, Kubernetes 1.35): no name (nor `generateName`), a name that is no DNS-1123 subdomain (at most 253 lowercase letters, digits, `-` and `.`, alphanumeric at both ends; a DNS-1123 label for Namespaces, Services and ServiceAccounts of at most 63), a namespace that is no DNS-1123 label, label keys that are no qualified names (an optional DNS-subdomain prefix and `/`, a name of at most 63 characters of alphanumerics, `-`, `_` and `.`), label values over 63 characters or of other characters, annotation keys that are no qualified names, and annotations over 256 KiB together'),
} satisfies Record<string, Check>;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const ANNOTATIONS_LIMIT = 256 * 1024;

/** Core kinds whose names are DNS-1123 labels rather than subdomains (their validation's NameIsDNSLabel/1035). */
const LABEL_NAMED = new Set(['/Namespace', '/Service', '/ServiceAccount']);

/** What the API server's ObjectMeta validation refuses in `m`'s metadata; `namespaced` is the kind's scope. */
export function metadataFindings(m: Manifest): Finding[] {
  const meta = m.object.metadata;
  if (!meta || typeof meta !== 'object' || Array.isArray(meta)) return [];
  const findings: Finding[] = [];
  const error = (path: Array<string>, message: string) => findings.push(m.finding(CODES.metadata, `metadata.${path.join('.')}: ${message}`, ['metadata', ...path]));
  const name = meta.name;
  if ((name === undefined || name === null || name === '') && !(typeof meta.generateName === 'string' && meta.generateName !== '')) {
    error(['name'], 'Required value: name or generateName is required');
  } else if (typeof name === 'string') {
    const label = LABEL_NAMED.has(`${m.group}/${m.kind}`);
    const problem = label ? dnsLabelError(name, m.kind === 'Service') : dnsSubdomainError(name);
    if (problem) error(['name'], `invalid value ${JSON.stringify(name)}: ${problem}`);
  }
  const namespace = meta.namespace;
  if (typeof namespace === 'string' && namespace !== '') {
    const problem = dnsLabelError(namespace, false);
    if (problem) error(['namespace'], `invalid value ${JSON.stringify(namespace)}: ${problem} (no Namespace of that name can exist)`);
  }
  const labels = meta.labels;
  if (labels && typeof labels === 'object' && !Array.isArray(labels)) {
    for (const [key, value] of Object.entries(labels)) {
      const keyProblem = qualifiedNameError(key);
      if (keyProblem) error(['labels'], `invalid label key ${JSON.stringify(key)}: ${keyProblem}`);
      if (typeof value === 'string') {
        if (value.length > 63) error(['labels', key], `invalid label value: must be no more than 63 characters, got ${value.length}`);
        else if (!LABEL_VALUE.test(value)) error(['labels', key], `invalid label value ${JSON.stringify(value)}: a label value must be empty or consist of alphanumerics, '-', '_' or '.', and start and end with an alphanumeric`);
      }
    }
  }
  const annotations = meta.annotations;
  if (annotations && typeof annotations === 'object' && !Array.isArray(annotations)) {
    let size = 0;
    for (const [key, value] of Object.entries(annotations)) {
      const keyProblem = qualifiedNameError(key.toLowerCase());
      if (keyProblem) error(['annotations'], `invalid annotation key ${JSON.stringify(key)}: ${keyProblem}`);
      size += key.length + (typeof value === 'string' ? value.length : 0);
    }
    if (size > ANNOTATIONS_LIMIT) error(['annotations'], `annotations are ${size} bytes together, over the API server's limit of ${ANNOTATIONS_LIMIT}`);
  }
  return findings;
}

function dnsLabelError(value: string, rfc1035: boolean): string | undefined {
  if (value.length > 63) return `a DNS-1123 label of at most 63 characters, got ${value.length}`;
  if (!DNS1123_LABEL.test(value)) return 'a DNS-1123 label: lowercase letters, digits and \'-\', starting and ending with a letter or digit';
  if (rfc1035 && !/^[a-z]/.test(value)) return 'a DNS-1035 label: it must start with a lowercase letter';
  return undefined;
}

function dnsSubdomainError(value: string): string | undefined {
  if (value.length > 253) return `a DNS-1123 subdomain of at most 253 characters, got ${value.length}`;
  if (!DNS1123_SUBDOMAIN.test(value)) return 'a DNS-1123 subdomain: lowercase letters, digits, \'-\' and \'.\', starting and ending with a letter or digit';
  return undefined;
}

/** apimachinery's IsQualifiedName: `[prefix/]name`, the prefix a DNS-1123 subdomain, the name at most 63 characters. */
function qualifiedNameError(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'a qualified name has at most one \'/\' ([prefix/]name)';
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined) {
    if (prefix === '') return 'the prefix before \'/\' must not be empty';
    const problem = dnsSubdomainError(prefix);
    if (problem) return `the prefix must be ${problem.replace(/^a /, 'a ')}`;
  }
  if (name === '') return 'the name part must not be empty';
  if (name.length > 63) return `the name part must be no more than 63 characters, got ${name.length}`;
  if (!QUALIFIED_NAME_PART.test(name)) return 'the name part must consist of alphanumerics, \'-\', \'_\' or \'.\', starting and ending with an alphanumeric';
  return undefined;
}
