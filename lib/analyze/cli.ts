import { Analyzer, formatFindings, hasErrors, loadFiles, sortFindings } from './analyzer';
import { CHECKS, Severity } from './finding';
import { Manifest } from './manifest';
import { groupBy } from './mesh';

const USAGE = `usage: cdk8s-istio analyze [--json] [--base <file>]... <file or directory>...

Checks Istio YAML offline: CRD schemas and CEL rules of Istio 1.30.3, and references between objects
(hosts, subsets, gateways) as istioctl analyze and Kiali do. Exits 1 when any finding is an error.

  --json         print findings as JSON
  --base <file>  a base applied under every other input, which are alternatives to each other:
                 each is analyzed with the bases only (e.g. --base bookinfo.yaml scenarios/)

A directory's own files are one state, as \`kubectl apply -f dir/\` applies them; files in its
subdirectories are alternatives, each analyzed on top of that state, replacing objects of the same
kind, namespace and name (dist/steps/ on dist/).
  --checks       list every check with its code, severity and the istioctl/Kiali code it mirrors`;

/** Runs the command line; returns the exit code. */
export function main(argv: readonly string[], out: (s: string) => void = s => process.stdout.write(s), err: (s: string) => void = s => process.stderr.write(s)): number {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || rest.includes('--help') || rest.includes('-h')) {
    out(USAGE + '\n');
    return 0;
  }
  if (command === '--checks' || rest.includes('--checks')) {
    out(Object.values(CHECKS).map(c => `${c.code}  ${c.severity.padEnd(7)}  ${c.mirrors.padEnd(16)}  ${c.title}`).join('\n') + '\n');
    return 0;
  }
  const { json, bases, paths, unknown } = parseArgs(rest);
  if (command !== 'analyze' || paths.length + bases.length === 0 || unknown.length > 0) {
    err((unknown.length > 0 ? `unknown option ${unknown.join(', ')}\n` : '') + USAGE + '\n');
    return 2;
  }
  const given = loadFiles(bases);
  const baseFiles = new Set(given.manifests.map(m => m.file));
  const loaded = loadFiles(paths);
  // with --base, every other file is an alternative; without, the files in subdirectories of a directory are
  const isOverlay = (m: Manifest) => bases.length > 0 ? !baseFiles.has(m.file) : loaded.nested.has(m.file);
  const base = { ...given, manifests: [...given.manifests, ...loaded.manifests.filter(m => !baseFiles.has(m.file) && !isOverlay(m))] };
  const overlays = [...groupBy(loaded.manifests.filter(isOverlay), m => m.file).values()];
  const analyzed = new Analyzer().analyzeLayers(base.manifests, overlays);
  const findings = sortFindings([...base.findings, ...loaded.findings.filter(f => !baseFiles.has(f.file)), ...analyzed]);
  if (json) {
    out(JSON.stringify({ findings, errors: findings.filter(f => f.severity === Severity.ERROR).length }, null, 2) + '\n');
  } else if (findings.length > 0) {
    out(formatFindings(findings) + '\n');
  }
  const count = (s: Severity) => findings.filter(f => f.severity === s).length;
  err(`${given.manifests.length + loaded.manifests.filter(m => !baseFiles.has(m.file)).length} objects analyzed: ${count(Severity.ERROR)} errors, ${count(Severity.WARNING)} warnings, ${count(Severity.INFO)} infos\n`);
  return hasErrors(findings) ? 1 : 0;
}

function parseArgs(args: readonly string[]) {
  const bases: string[] = [];
  const paths: string[] = [];
  const unknown: string[] = [];
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json') {
      json = true;
    } else if (a === '--base' && i + 1 < args.length) {
      bases.push(args[++i]);
    } else if (a.startsWith('--')) {
      unknown.push(a);
    } else {
      paths.push(a);
    }
  }
  return { json, bases, paths, unknown };
}
