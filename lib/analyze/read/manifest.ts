import * as jsyaml from 'js-yaml';
import type { Document } from 'yaml';
import { Check, check, Finding, Severity } from '../finding';
import { IndentLocator } from './locate';
import { KUBECTL_SCHEMA, KUBECTL_YAML_OPTIONS } from './scalars';
import { jsonPath } from './values';

/** The checks of this module, by name; lib/analyze/catalogue.ts lists every module's in code order. */
export const CODES = {
  notYaml: check('CI001', Severity.ERROR, '-', 'file or document is not valid YAML',
    'a file or document that is not YAML, or that kubectl cannot convert to JSON (a `.inf` or `.nan`); the other documents are still analyzed'),
  noKind: check('CI002', Severity.ERROR, '-', 'document has no apiVersion or kind',
    'a document without `apiVersion`/`kind`'),
  duplicateKey: check('CI007', Severity.ERROR, 'kubectl apply',
    'a mapping holding one key twice', 'a mapping that holds one key twice, as two documents pasted without `---` do: the YAML merges them and the API server keeps the last value (both lines named)'),
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
  /** Namespace as written, or when none is, `default` or the one given (what `kubectl apply [-n]` does). */
  public readonly namespace: string;

  public constructor(
    public readonly file: string,
    public readonly object: any,
    private readonly locate: (path: readonly (string | number)[]) => number,
    /** Construct path, when a cdk8s synth produced the object. */
    public readonly constructPath?: string,
    /** The namespace of an object that names none, as `kubectl apply -n` places it. */
    defaultNamespace = 'default',
  ) {
    this.kind = object.kind;
    this.apiVersion = object.apiVersion;
    // a malformed name or namespace is the schema's to report; references see it as a string
    this.name = typeof object.metadata?.name === 'string' ? object.metadata.name : String(object.metadata?.name ?? '');
    this.namespace = typeof object.metadata?.namespace === 'string' ? object.metadata.namespace : defaultNamespace;
  }

  /** API group, `''` for the core group. */
  public get group(): string {
    // read by every check of every object: computed once
    this.groupOf ??= this.apiVersion.includes('/') ? this.apiVersion.split('/')[0] : '';
    return this.groupOf;
  }

  private groupOf?: string;

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

/** The full YAML parser, loaded when a line or an error is wanted: most documents never need it. */
function fullParser(): typeof import('yaml') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand, a quarter of a command's start-up
  return require('yaml');
}

/** One document of a YAML stream: its text and the 1-based line it starts on. */
interface Segment {
  readonly text: string;
  readonly line: number;
}

/**
 * The documents of a stream, split at \`---\` and \`...\` lines, so each is parsed (and fails) alone. A
 * document marker cannot stand at column 0 inside a document's content, so the split is exact.
 */
function segments(text: string): Segment[] {
  const lines = text.split('\n');
  const found: Segment[] = [];
  let from = 0;
  const close = (to: number) => {
    if (to > from) found.push({ text: lines.slice(from, to).join('\n'), line: from + 1 });
  };
  lines.forEach((l, i) => {
    if (/^---(\s|$)/.test(l)) {
      close(i);
      from = i;
    } else if (/^\.\.\.(\s|$)/.test(l)) {
      close(i);
      from = i + 1;
    }
  });
  close(lines.length);
  return found;
}

/** A document's value by the fast parser, or undefined when the full one must judge it (an error, an alias). */
function fastLoad(text: string): { value: unknown } | undefined {
  // aliases are rare in manifests and can expand without bound: the full parser limits them
  if (/(^|[\s[{,:-])\*[^\s,[\]{}]+/m.test(text)) return undefined;
  try {
    return { value: jsyaml.load(text, { schema: KUBECTL_SCHEMA }) };
  } catch {
    return undefined;
  }
}

/**
 * Parses the YAML text of one file into manifests, and findings for what cannot be read.
 *
 * A document that is not YAML or has no kind yields one finding and is skipped; the rest of the file
 * is still read. Values come from a fast parser, and a finding's line from the document's indentation
 * (./locate); the full parser, which builds a syntax tree with positions at ten times the cost, reads only
 * documents that are not plain YAML or whose layout the indentation does not settle.
 */
export function parseManifests(file: string, text: string, namespace = 'default'): { manifests: Manifest[]; findings: Finding[] } {
  const manifests: Manifest[] = [];
  const findings: Finding[] = [];
  const fileFinding = (check: Check, line: number, message: string): Finding =>
    ({ code: check.code, severity: check.severity, file, line, object: '-', message });

  for (const segment of segments(text)) {
    const full = lazyDocument(segment);
    const fast = fastLoad(segment.text);
    const indentation = new IndentLocator(segment.text, segment.line);
    const lineOf = (at: readonly (string | number)[]) => (fast && indentation.line(fast.value, at)) ?? locate(full(), at);
    let object: any;
    if (fast) {
      object = pruneNulls(fast.value);
    } else {
      const doc = full();
      const duplicate = duplicateKey(doc);
      if (duplicate) {
        findings.push(fileFinding(CODES.duplicateKey, duplicate.second,
          `key '${duplicate.key}' appears twice in one mapping (lines ${duplicate.first} and ${duplicate.second}): two documents pasted without '---' merge into one, `
          + 'and the API server keeps the last value; separate the documents or remove one key'));
        continue;
      }
      if (doc.errors.length > 0) {
        const error = doc.errors[0];
        findings.push(fileFinding(CODES.notYaml, error.linePos ? error.linePos[0].line + doc.offset : doc.start, `not valid YAML: ${error.message.split('\n')[0]}`));
        continue;
      }
      try {
        object = pruneNulls(doc.document.toJS({ maxAliasCount: 100 }));
      } catch (e) {
        // an alias bomb ("billion laughs") and other documents that do not expand into data
        findings.push(fileFinding(CODES.notYaml, doc.start, `not valid YAML: ${(e as Error).message.split('\n')[0]}`));
        continue;
      }
    }
    if (object === null || object === undefined) {
      continue; // an empty document between separators, as generators often emit
    }
    const infinite = /\.(?:inf|nan)\b/i.test(segment.text) ? nonFinite(object) : undefined;
    if (infinite) {
      const written = Number.isNaN(infinite.value) ? '.nan' : infinite.value > 0 ? '.inf' : '-.inf';
      findings.push(fileFinding(CODES.notYaml, lineOf(infinite.path), `${jsonPath(infinite.path)}: kubectl cannot convert ${written} to JSON ("unsupported value") and applies nothing `
        + 'of the document; write a number, or quote the value'));
      continue;
    }
    if (typeof object !== 'object' || Array.isArray(object) || typeof object.kind !== 'string' || typeof object.apiVersion !== 'string') {
      findings.push(fileFinding(CODES.noKind, full().start, 'document is not a Kubernetes object: it needs string fields apiVersion and kind'));
      continue;
    }
    const items: any[] = object.kind.endsWith('List') && Array.isArray(object.items) ? object.items : [object];
    for (const item of items) {
      if (!item || typeof item !== 'object' || typeof item.kind !== 'string' || typeof item.apiVersion !== 'string') {
        findings.push(fileFinding(CODES.noKind, full().start, 'a List item is not a Kubernetes object: it needs string fields apiVersion and kind'));
        continue;
      }
      manifests.push(new Manifest(file, item, path => lineOf(item === object ? path : []), undefined, namespace));
    }
  }
  if (manifests.length === 0 && findings.length === 0) {
    findings.push(fileFinding(CODES.emptyFile, 1, 'file holds no Kubernetes objects'));
  }
  return { manifests, findings };
}

interface FullDocument {
  readonly document: Document;
  readonly errors: Document['errors'];
  /** Lines of the file before the document. */
  readonly offset: number;
  /** The line in the file of a position in the document's text. */
  lineAt(position: number): number;
  /** The line of the document's content, in the file. */
  readonly start: number;
}

/** The full parse of a segment, made on first use, with its lines counted from the file's start. */
function lazyDocument(segment: Segment): () => FullDocument {
  let parsed: FullDocument | undefined;
  return () => {
    if (!parsed) {
      const { LineCounter, parseAllDocuments } = fullParser();
      const lines = new LineCounter();
      const docs = parseAllDocuments(segment.text, { ...KUBECTL_YAML_OPTIONS, lineCounter: lines, uniqueKeys: false });
      const document = (Array.isArray(docs) ? docs : [docs]).find(d => d.contents !== null || d.errors.length > 0)
        ?? (Array.isArray(docs) ? docs[0] : docs);
      const offset = segment.line - 1;
      const lineAt = (position: number) => lines.linePos(position).line + offset;
      const start = document ? lineAt(document.contents?.range?.[0] ?? document.range?.[0] ?? 0) : segment.line;
      parsed = { document, errors: document?.errors ?? [], offset, lineAt, start };
    }
    return parsed;
  };
}

/** The first key that one mapping of the document holds twice, with both lines. */
function duplicateKey(doc: FullDocument): { key: string; first: number; second: number } | undefined {
  let found: { key: string; first: number; second: number } | undefined;
  const { isNode, isScalar, visit } = fullParser();
  visit(doc.document, {
    Map(_, map) {
      const seen = new Map<string, number>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        const line = isNode(pair.key) && pair.key.range ? doc.lineAt(pair.key.range[0]) : doc.start;
        if (key === undefined) continue;
        if (seen.has(key)) {
          found = { key, first: seen.get(key)!, second: line };
          return visit.BREAK;
        }
        seen.set(key, line);
      }
      return undefined;
    },
  });
  return found;
}

/** The first number YAML reads as infinite or not a number (`.inf`, `.nan`), which JSON cannot hold, with its path. */
function nonFinite(value: unknown, path: (string | number)[] = []): { path: (string | number)[]; value: number } | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : { path, value };
  const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v])
    : value && typeof value === 'object' ? Object.entries(value) : [];
  for (const [k, v] of entries) {
    const found = nonFinite(v, [...path, k]);
    if (found) return found;
  }
  return undefined;
}

/**
 * The object as the API server validates it: fields set to null are dropped first (a YAML key with
 * nothing after it, `match:`), so they are absent rather than of the wrong type.
 */
function pruneNulls(value: unknown): unknown {
  // most objects hold no null: they are returned as they are, without a copy
  return hasNull(value) ? prunedCopy(value) : value;
}

function hasNull(value: unknown): boolean {
  if (Array.isArray(value)) {
    return value.some(hasNull);
  }
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) {
      if (v === null || hasNull(v)) {
        return true;
      }
    }
  }
  return false;
}

function prunedCopy(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(prunedCopy);
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, prunedCopy(v)]));
  }
  return value;
}

function locate(doc: FullDocument, path: readonly (string | number)[]): number {
  const { isNode } = fullParser();
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.document.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) {
      return doc.lineAt(node.range[0]);
    }
  }
  return doc.start;
}
