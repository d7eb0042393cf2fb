import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { loadFiles } from '../read/files';
import { Finding } from '../finding';
import { CODES as filesCodes } from '../read/files';
import { CODES as manifestCodes } from '../read/manifest';
import { Manifest, parseManifests } from '../read/manifest';

/** Input the review commands cannot use: one line for the user, exit code 2. */
export class InputError extends Error {}

/**
 * Reads one side of a review: a file, a directory (its own `.yaml`/`.yml` files, as `kubectl apply -f dir/`
 * reads them, without subdirectories), or a git revision and path (`main:dist/`, `HEAD~1:app.yaml`).
 */
export function loadSide(spec: string): Manifest[] {
  const revision = /^([^:]+):(.*)$/.exec(spec);
  const manifests = revision && !fs.existsSync(spec) ? loadRevision(revision[1], revision[2] || '.') : loadPath(spec);
  return manifests;
}

/** An object `kubectl apply` would not store: the API server or istiod's webhook refuses it. */
export interface NotApplied {
  /** `Kind/namespace/name`. */
  readonly object: string;
  readonly file: string;
  /** The first refusal, as the analyzer words it (`CI104 spec.http[0].retries: ...`). */
  readonly reason: string;
  /** Where the object the cluster keeps instead came from, if an earlier input applied one. */
  readonly kept?: string;
}

/**
 * Applies inputs in order, as successive `kubectl apply` would: a later object replaces an earlier one of
 * the same identity, unless the API server or the webhook refuses it (`refusal`), when the earlier one stays.
 */
export function applyInOrder(layers: readonly Manifest[][], refusal: (m: Manifest) => Finding | undefined = () => undefined): { manifests: Manifest[]; notApplied: NotApplied[] } {
  const byIdentity = new Map<string, Manifest>();
  const notApplied: NotApplied[] = [];
  for (const layer of layers) {
    for (const m of layer) {
      const refused = refusal(m);
      if (refused) {
        const kept = byIdentity.get(m.identity);
        notApplied.push({ object: m.id, file: m.file, reason: `${refused.code} ${refused.message}`, ...kept ? { kept: kept.file } : {} });
        continue;
      }
      byIdentity.delete(m.identity);
      byIdentity.set(m.identity, m);
    }
  }
  return { manifests: [...byIdentity.values()], notApplied };
}

function loadPath(p: string): Manifest[] {
  const loaded = loadFiles([p]);
  failOn(loaded.findings);
  return loaded.manifests.filter(m => !loaded.nested.has(m.file));
}

function failOn(findings: readonly Finding[]): void {
  const fatal = findings.find(f => f.code === filesCodes.unreadable.code || f.code === manifestCodes.notYaml.code || f.code === manifestCodes.noKind.code);
  if (fatal) {
    throw new InputError(`${fatal.file}${fatal.line > 1 ? `:${fatal.line}` : ''}: ${fatal.message.split('\n')[0]}`);
  }
}

function git(args: string[]): string {
  return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
}

function loadRevision(rev: string, file: string): Manifest[] {
  try {
    git(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  } catch {
    throw new InputError(`unknown git revision '${rev}' (in '${rev}:${file}')`);
  }
  const prefix = git(['rev-parse', '--show-prefix']).trim();
  const full = path.posix.normalize(path.posix.join(prefix, file)).replace(/^\.\/?$/, '').replace(/\/$/, '');
  let type: string;
  try {
    type = git(['cat-file', '-t', `${rev}:${full}`]).trim();
  } catch {
    throw new InputError(`'${file}' does not exist in revision '${rev}'`);
  }
  const files = type === 'tree'
    ? git(['ls-tree', '--name-only', `${rev}:${full}`]).split('\n').filter(n => /\.ya?ml$/.test(n)).map(n => path.posix.join(full, n))
    : [full];
  return files.flatMap(f => {
    const parsed = parseManifests(`${rev}:${f}`, git(['show', `${rev}:${f}`]));
    failOn(parsed.findings);
    return parsed.manifests;
  });
}
