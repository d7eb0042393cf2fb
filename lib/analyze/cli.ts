import { Analyzer, formatFindings, hasErrors, sortFindings } from './analyzer';
import { loadFiles } from './read/files';
import { CHECKS } from './catalogue';
import { Severity } from './finding';
import { diff, explain, Format, formatDiff } from './review/review';
import { applyInOrder, InputError, loadSide } from './review/sources';
import { TrafficModel } from './review/traffic-model';
import { groupBy } from './model/mesh';

const USAGE = `usage: cdk8s-istio analyze [--json] [--base <file>]... <file or directory>...
       cdk8s-istio explain [--format text|markdown|json] [--base <input>] <input>...
       cdk8s-istio diff [--format text|markdown|json] [--exit-code] [--base <input>] <before> <after>
       cdk8s-istio --checks | --help

analyze  checks Istio YAML offline: CRD schemas and CEL rules of Istio 1.30.3, and references between
         objects (hosts, subsets, gateways) as istioctl analyze and Kiali do. Exits 1 when any finding
         is an error. A directory's own files are one state, as \`kubectl apply -f dir/\` applies them;
         each file in a subdirectory is an alternative analyzed on top of that state and of the files
         of the directories between, replacing objects of the same kind, namespace and name
         (dist/steps/ on dist/; dist/gateway-api/steps/ on dist/ and dist/gateway-api/).
           --json         print findings as JSON
           --base <file>  a base under every other input, which are alternatives to each other
explain  for each host, what a request gets in route order (match, destinations with weights, subsets
         and the pod labels they select, timeout, retries, fault, mirror), the DestinationRule policy,
         the mTLS mode, and who may call it after the AuthorizationPolicies. HTTPRoutes attached to a
         Service read as istiod translates them; behind a waypoint, callers are those it admits.
diff     only what changes for traffic between two inputs; formatting, key order, object order and
         v1alpha3 vs v1 are no change. --exit-code exits 1 when traffic changes (as git diff does).

An <input> is a file, a directory (its own .yaml files, as kubectl apply -f reads them), or a git
revision and path (main:dist/). Inputs apply in order: a later object replaces an earlier one of the
same kind, namespace and name. --base applies under both sides of a diff.
  --checks       list every check with its code, severity and the istioctl/Kiali code it mirrors
Bad input (an unreadable path, an unknown revision, invalid YAML) prints one line and exits 2.`;

/** Runs the command line; returns the exit code. */
export function main(argv: readonly string[], out: (s: string) => void = s => process.stdout.write(s), err: (s: string) => void = s => process.stderr.write(s)): number {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || rest.includes('--help') || rest.includes('-h')) {
    out(USAGE + '\n');
    return 0;
  }
  if (command === '--checks' || rest.includes('--checks')) {
    out(Object.values(CHECKS).sort((a, b) => a.code.localeCompare(b.code)).map(c => `${c.code}  ${c.severity.padEnd(7)}  ${c.mirrors.padEnd(16)}  ${c.title}`).join('\n') + '\n');
    return 0;
  }
  if (command === 'explain' || command === 'diff') {
    return review(command, rest, out, err);
  }
  const { json, bases, paths, unknown } = parseArgs(rest);
  if (command !== 'analyze' || paths.length + bases.length === 0 || unknown.length > 0) {
    err((unknown.length > 0 ? `unknown option ${unknown.join(', ')}\n` : '') + USAGE + '\n');
    return 2;
  }
  const given = loadFiles(bases);
  const baseFiles = new Set(given.manifests.map(m => m.file));
  const loaded = loadFiles(paths);
  // with --base, every other file is an alternative on top of it; without, a directory is a tree of states
  const overlays = [...groupBy(loaded.manifests.filter(m => !baseFiles.has(m.file)), m => m.file).values()];
  const analyzed = bases.length > 0
    ? new Analyzer().analyzeLayers(given.manifests, overlays)
    : new Analyzer().analyzeTree(loaded.manifests, loaded.nested);
  const findings = sortFindings([...given.findings, ...loaded.findings.filter(f => !baseFiles.has(f.file)), ...analyzed]);
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

const FORMATS: readonly Format[] = ['text', 'markdown', 'json'];

/** `explain` and `diff`: bad input is one line on stderr and exit code 2, never a stack trace. */
function review(command: 'explain' | 'diff', args: readonly string[], out: (s: string) => void, err: (s: string) => void): number {
  try {
    const options = reviewArgs(args);
    if (command === 'diff' && options.inputs.length !== 2) {
      throw new InputError(`diff takes two inputs, <before> and <after>, got ${options.inputs.length}`);
    }
    if (command === 'explain' && options.inputs.length === 0) {
      throw new InputError('explain takes at least one input');
    }
    const base = options.base ? [loadSide(options.base)] : [];
    if (command === 'explain') {
      const manifests = applyInOrder([...base, ...options.inputs.map(loadSide)]);
      out(explain(new TrafficModel(manifests), new Analyzer().analyze(manifests), options.format));
      return 0;
    }
    const [before, after] = options.inputs.map(side => new TrafficModel(applyInOrder([...base, loadSide(side)])));
    const changes = diff(before, after);
    out(formatDiff(changes, before, after, options.format));
    return options.exitCode && changes.length > 0 ? 1 : 0;
  } catch (e) {
    err(`cdk8s-istio ${command}: ${e instanceof InputError ? e.message : `internal error: ${(e as Error).message}`}\n`);
    return 2;
  }
}

function reviewArgs(args: readonly string[]): { format: Format; exitCode: boolean; base?: string; inputs: string[] } {
  let format: Format = 'text';
  let exitCode = false;
  let base: string | undefined;
  const inputs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--format' || a.startsWith('--format=')) {
      const value = a.includes('=') ? a.slice('--format='.length) : args[++i];
      if (!FORMATS.includes(value as Format)) {
        throw new InputError(`--format must be one of ${FORMATS.join(', ')}, got '${value ?? ''}'`);
      }
      format = value as Format;
    } else if (a === '--exit-code') {
      exitCode = true;
    } else if (a === '--base') {
      if (args[i + 1] === undefined) {
        throw new InputError('--base needs an input');
      }
      base = args[++i];
    } else if (a.startsWith('--')) {
      throw new InputError(`unknown option ${a} (see --help)`);
    } else {
      inputs.push(a);
    }
  }
  return { format, exitCode, base, inputs };
}
