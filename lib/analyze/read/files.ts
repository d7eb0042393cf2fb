import * as fs from 'fs';
import * as path from 'path';
import { check, Check, Finding, Severity } from '../finding';
import { Manifest, parseManifests } from './manifest';

/** The checks of this module, by name; lib/analyze/catalogue.ts lists every module's in code order. */
export const CODES = {
  unreadable: check('CI000', Severity.ERROR, '-', 'file cannot be read',
    'a path that cannot be read'),
} satisfies Record<string, Check>;

/** Manifests read from files, and findings for what could not be read. */
export interface LoadResult {
  readonly manifests: Manifest[];
  readonly findings: Finding[];
  /**
   * Files found in a subdirectory of a directory argument. `kubectl apply -f dir/` does not read them:
   * they are alternatives applied on top of the directory's own files (the tutorial's `dist/steps/`).
   */
  readonly nested: ReadonlySet<string>;
}

/** Reads YAML files and directories (recursively: `.yaml`, `.yml`), in a stable order. */
export function loadFiles(paths: readonly string[], namespace = 'default'): LoadResult {
  const manifests: Manifest[] = [];
  const findings: Finding[] = [];
  const nested = new Set<string>();
  for (const { file, depth } of expand(paths, findings, 0)) {
    if (depth > 1) {
      nested.add(file);
    }
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      findings.push({ code: CODES.unreadable.code, severity: Severity.ERROR, file, line: 1, object: '-', message: `cannot read file: ${(e as Error).message}` });
      continue;
    }
    const parsed = parseManifests(file, text, namespace);
    manifests.push(...parsed.manifests);
    findings.push(...parsed.findings);
  }
  return { manifests, findings, nested };
}

/** Files below `paths`, with their depth: 0 for a file argument, 1 for a file directly in a directory argument. */
function expand(paths: readonly string[], findings: Finding[], depth: number): Array<{ file: string; depth: number }> {
  return paths.flatMap(p => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      findings.push({ code: CODES.unreadable.code, severity: Severity.ERROR, file: p, line: 1, object: '-', message: 'no such file or directory' });
      return [];
    }
    if (!stat.isDirectory()) {
      return [{ file: p, depth }];
    }
    return fs.readdirSync(p).sort()
      .map(name => path.join(p, name))
      .filter(child => fs.statSync(child).isDirectory() || /\.ya?ml$/.test(child))
      .flatMap(child => expand([child], findings, depth + 1));
  });
}
