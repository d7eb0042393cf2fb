import { Document, isNode, LineCounter, parseAllDocuments } from 'yaml';
import { Check, check, Finding, Severity } from '../finding';

/** The checks of this module, by name; lib/analyze/catalogue.ts lists every module's in code order. */
export const CODES = {
  notYaml: check('CI001', Severity.ERROR, '-', 'file or document is not valid YAML',
    'a file or document that is not YAML (the other documents are still analyzed)'),
  noKind: check('CI002', Severity.ERROR, '-', 'document has no apiVersion or kind',
    'a document without `apiVersion`/`kind`'),
  emptyFile: check('CI004', Severity.WARNING, '-', 'file holds no objects',
    'an empty file'),
} satisfies Record<string, Check>;

/**
 * One Kubernetes object read from a file, with a way back to the line of any of its fields.
 */
export class Manifest {
  public readonly kind: string;
  public readonly apiVersion: string;
  public readonly name: string;
  /** Namespace as written, or `default` when none is (what `kubectl apply` without `-n` does). */
  public readonly namespace: string;

  public constructor(
    public readonly file: string,
    public readonly object: any,
    private readonly locate: (path: readonly (string | number)[]) => number,
    /** Construct path, when a cdk8s synth produced the object. */
    public readonly constructPath?: string,
  ) {
    this.kind = object.kind;
    this.apiVersion = object.apiVersion;
    // a malformed name or namespace is the schema's to report; references see it as a string
    this.name = typeof object.metadata?.name === 'string' ? object.metadata.name : String(object.metadata?.name ?? '');
    this.namespace = typeof object.metadata?.namespace === 'string' ? object.metadata.namespace : 'default';
  }

  /** API group, `''` for the core group. */
  public get group(): string {
    return this.apiVersion.includes('/') ? this.apiVersion.split('/')[0] : '';
  }

  /** `group/kind/namespace/name`: objects of the same identity are one object to the API server. */
  public get identity(): string {
    return `${this.group}/${this.id}`;
  }

  /** `kind/namespace/name`, as findings name objects. */
  public get id(): string {
    return `${this.kind}/${this.namespace}/${this.name}`;
  }

  /** 1-based line of the field at `path`, or of its closest present ancestor. */
  public lineOf(path: readonly (string | number)[] = []): number {
    return this.locate(path);
  }

  /** A finding about the field at `path` of this object. */
  public finding(check: Check, message: string, path: readonly (string | number)[] = []): Finding {
    return {
      code: check.code, severity: check.severity, file: this.file, line: this.lineOf(path),
      object: this.id, message, constructPath: this.constructPath,
    };
  }
}

/**
 * Parses the YAML text of one file into manifests, and findings for what cannot be read.
 *
 * A document that is not YAML or has no kind yields one finding and is skipped; the rest of the file
 * is still read.
 */
export function parseManifests(file: string, text: string): { manifests: Manifest[]; findings: Finding[] } {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false });
  const manifests: Manifest[] = [];
  const findings: Finding[] = [];
  const fileFinding = (check: Check, line: number, message: string): Finding =>
    ({ code: check.code, severity: check.severity, file, line, object: '-', message });

  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    const start = lines.linePos(doc.contents?.range?.[0] ?? doc.range?.[0] ?? 0).line;
    if (doc.errors.length > 0) {
      const error = doc.errors[0];
      findings.push(fileFinding(CODES.notYaml, error.linePos?.[0].line ?? start, `not valid YAML: ${error.message.split('\n')[0]}`));
      continue;
    }
    let object: any;
    try {
      object = pruneNulls(doc.toJS({ maxAliasCount: 100 }));
    } catch (e) {
      // an alias bomb ("billion laughs") and other documents that do not expand into data
      findings.push(fileFinding(CODES.notYaml, start, `not valid YAML: ${(e as Error).message.split('\n')[0]}`));
      continue;
    }
    if (object === null || object === undefined) {
      continue; // an empty document between separators, as generators often emit
    }
    if (typeof object !== 'object' || Array.isArray(object) || typeof object.kind !== 'string' || typeof object.apiVersion !== 'string') {
      findings.push(fileFinding(CODES.noKind, start, 'document is not a Kubernetes object: it needs string fields apiVersion and kind'));
      continue;
    }
    const items: any[] = object.kind.endsWith('List') && Array.isArray(object.items) ? object.items : [object];
    for (const item of items) {
      if (!item || typeof item !== 'object' || typeof item.kind !== 'string' || typeof item.apiVersion !== 'string') {
        findings.push(fileFinding(CODES.noKind, start, 'a List item is not a Kubernetes object: it needs string fields apiVersion and kind'));
        continue;
      }
      manifests.push(new Manifest(file, item, path => locate(doc, lines, item === object ? path : [], start)));
    }
  }
  if (manifests.length === 0 && findings.length === 0) {
    findings.push(fileFinding(CODES.emptyFile, 1, 'file holds no Kubernetes objects'));
  }
  return { manifests, findings };
}

/**
 * The object as the API server validates it: fields set to null are dropped first (a YAML key with
 * nothing after it, `match:`), so they are absent rather than of the wrong type.
 */
function pruneNulls(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(pruneNulls);
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, pruneNulls(v)]));
  }
  return value;
}

function locate(doc: Document, lines: LineCounter, path: readonly (string | number)[], fallback: number): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) {
      return lines.linePos(node.range[0]).line;
    }
  }
  return fallback;
}
