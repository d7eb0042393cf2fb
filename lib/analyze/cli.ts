import * as fs from 'fs';
import * as path from 'path';
import { Analyzer, formatFindings, hasErrors, sortFindings } from './analyzer';
import { loadFiles } from './read/files';
import { CHECKS } from './catalogue';
import { Severity } from './finding';
import { init, INIT_HELP, OwnPackage } from './init';
import { diff, explain, Format, formatDiff } from './review/review';
import { Manifest } from './read/manifest';
import { applyInOrder, InputError, loadSide } from './review/sources';
import { TrafficModel } from './review/traffic-model';
import { groupBy } from './model/mesh';
import { Suppressions } from './suppress';

/** The package's version, from its package.json (two folders up from the sources, three from build/). */
/** This package's package.json and its directory, found above this module (the sources, the compiled modules or the bundle). */
function ownPackage(): { pkg: OwnPackage; root: string } | undefined {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (pkg.name === 'cdk8s-istio') return { pkg, root: dir };
    }
  }
  return undefined;
}

function version(): string {
  return ownPackage()?.pkg.version ?? 'unknown';
}

const ANALYZE_HELP = `usage: cdk8s-istio analyze [--json] [--complete] [-n <namespace>] [--base <file>]... [--crd <file>]... [--suppress <rule>]... <file or directory>...

Checks Istio YAML offline: CRD schemas and CEL rules of Istio 1.30.3 and the Gateway API v1.5.1, istiod's
validating webhook, and references between objects (hosts, subsets, gateways, policies) as istioctl
analyze and Kiali do. A directory's own files are one state, as \`kubectl apply -f dir/\` applies them;
each file in a subdirectory is an alternative analyzed on top of that state and of the files of the
directories between, replacing objects of the same kind, namespace and name (dist/steps/ on dist/).

  --json             print findings as JSON
  --complete         the input is the whole cluster, as istioctl analyze sees one: every host, selector,
                     Secret, Gateway and namespace a reference names must be in it (Istio's default ingress
                     gateway aside). Without it, references into namespaces the input does not describe
                     are not checked, as the input may be part of what the cluster holds
  --base <file>      a base under every other input, which are alternatives to each other
  --crd <file>       CustomResourceDefinitions (a controller's, your own) whose objects are checked against
                     their schemas, as those in the input are; repeatable
  -n, --namespace <ns>  the namespace of objects that name none, as kubectl apply -n places them (default: default)
  --suppress <rule>  hide findings: CODE (CI228, or the istioctl code it mirrors, IST0128), or
                     CODE=Kind name[.namespace] for one object (* matches anything); repeatable. An object
                     annotated galley.istio.io/analyze-suppress: "CI228,IST0102" hides those on itself.

Exit codes: 0 no error (warnings and infos allowed), 1 an error finding, 2 bad input (one line on stderr).`;

const EXPLAIN_HELP = `usage: cdk8s-istio explain [--format text|markdown|json] [--base <input>] [--from <workload>] <input>...

For each host, what a request gets in route order (match, destinations with their shares, subsets and the
pod labels they select, timeout, retries, fault, mirror), the DestinationRule policy, the mTLS mode, and
who may call it after the AuthorizationPolicies, as istiod programs it: delegate VirtualServices merged
into their root, Istio's default retry policy where a route sets none, weights as the shares Envoy takes.
HTTPRoutes attached to a Service read as istiod translates them; behind a waypoint, callers are those it
admits.

  --from <workload>  answer for one caller ([namespace/]name of a Deployment, StatefulSet, Pod, ...), as
                     istiod programs its proxy: only the hosts its Sidecar's egress and the exportTo of
                     Services and VirtualServices let it see, only the routes whose sourceLabels and
                     sourceNamespace it matches

An <input> is a file, a directory (its own .yaml files, as kubectl apply -f reads them), or a git revision
and path (main:dist/). Inputs apply in order: a later object replaces an earlier one of the same identity,
unless the API server or istiod's webhook refuses it, when the earlier one stays (explain lists it).

Exit codes: 0 explained, 2 bad input (one line on stderr).`;

const DIFF_HELP = `usage: cdk8s-istio diff [--format text|markdown|json] [--exit-code] [--base <input>] <before> <after>

Only what changes for traffic between two inputs; formatting, key order, object order and v1alpha3 vs v1
are no change. --base applies under both sides. Inputs as for explain.

Exit codes: 0 compared (with --exit-code: no traffic change), 1 with --exit-code: traffic changes,
2 bad input (one line on stderr).`;

const USAGE = `usage: cdk8s-istio <command> [options]

commands:
  init      write a cdk8s app that uses cdk8s-istio (package.json, cdk8s.yaml with the plugin, main.ts)
  analyze   check Istio YAML offline, as the API server, istiod and istioctl analyze would
  explain   what a request to each host gets, and who may make it
  diff      what a change does to traffic

  cdk8s-istio <command> --help   that command's options and exit codes
  cdk8s-istio --checks           every check: code, severity, the istioctl/Kiali code it mirrors
  cdk8s-istio --version          the version of cdk8s-istio`;

const HELP: Record<string, string> = { init: INIT_HELP, analyze: ANALYZE_HELP, explain: EXPLAIN_HELP, diff: DIFF_HELP };

/** Runs the command line; returns the exit code. */
export function main(argv: readonly string[], out: (s: string) => void = s => process.stdout.write(s), err: (s: string) => void = s => process.stderr.write(s)): number {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    (command === undefined ? err : out)(USAGE + '\n');
    return command === undefined ? 2 : 0;
  }
  if (HELP[command] && (rest.includes('--help') || rest.includes('-h'))) {
    out(HELP[command] + '\n');
    return 0;
  }
  if (command === '--version' || command === '-v') {
    out(`${version()}\n`);
    return 0;
  }
  if (command === '--checks' || rest.includes('--checks')) {
    out(Object.values(CHECKS).sort((a, b) => a.code.localeCompare(b.code)).map(c => `${c.code}  ${c.severity.padEnd(7)}  ${c.mirrors.padEnd(16)}  ${c.title}`).join('\n') + '\n');
    return 0;
  }
  if (command === 'explain' || command === 'diff') {
    return review(command, rest, out, err);
  }
  if (command === 'init') {
    const own = ownPackage();
    if (!own) {
      err('cdk8s-istio init: cannot find the package.json of cdk8s-istio above this command\n');
      return 2;
    }
    return init(rest, own.pkg, own.root, out, err);
  }
  if (command !== 'analyze') {
    err(`cdk8s-istio: unknown command '${command}' (commands: init, analyze, explain, diff; see --help)\n`);
    return 2;
  }
  const { json, bases, paths, problem, suppress, namespace, crds, complete } = parseArgs(rest);
  let suppressions: Suppressions;
  try {
    suppressions = Suppressions.parse(suppress);
  } catch (e) {
    err(`cdk8s-istio analyze: ${(e as Error).message}\n`);
    return 2;
  }
  if (problem ?? (paths.length + bases.length === 0 ? 'no file or directory to analyze (see --help)' : undefined)) {
    err(`cdk8s-istio analyze: ${problem ?? 'no file or directory to analyze (see --help)'}\n`);
    return 2;
  }
  const definitions = loadFiles(crds, namespace);
  const crdObjects = definitions.manifests.filter(m => m.group === 'apiextensions.k8s.io' && m.kind === 'CustomResourceDefinition');
  const empty = crds.find(file => !crdObjects.some(m => m.file.startsWith(file)));
  if (definitions.findings.length > 0 || empty !== undefined) {
    err(`cdk8s-istio analyze: --crd ${empty ?? definitions.findings[0].file} holds no readable CustomResourceDefinition${definitions.findings[0] ? ` (${definitions.findings[0].message})` : ''}\n`);
    return 2;
  }
  const given = loadFiles(bases, namespace);
  const baseFiles = new Set(given.manifests.map(m => m.file));
  const loaded = loadFiles(paths, namespace);
  // with --base, every other file is an alternative on top of it; without, a directory is a tree of states
  const overlays = [...groupBy(loaded.manifests.filter(m => !baseFiles.has(m.file)), m => m.file).values()];
  const analyzer = new Analyzer(crdObjects, { complete });
  const analyzed = bases.length > 0
    ? analyzer.analyzeLayers(given.manifests, overlays)
    : analyzer.analyzeTree(loaded.manifests, loaded.nested);
  const findings = suppressions.apply(sortFindings([...given.findings, ...loaded.findings.filter(f => !baseFiles.has(f.file)), ...analyzed]),
    [...given.manifests, ...loaded.manifests]);
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
  const suppress: string[] = [];
  const crds: string[] = [];
  let problem: string | undefined;
  let json = false;
  let complete = false;
  let namespace = 'default';
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json') {
      json = true;
    } else if (a === '--complete') {
      complete = true;
    } else if (a === '-n' || a === '--namespace') {
      const value = args[++i];
      if (value === undefined || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value)) {
        problem ??= `${a} needs a namespace name (lowercase letters, digits and '-'), got '${value ?? ''}'`;
      } else {
        namespace = value;
      }
    } else if (a === '--base' || a === '--suppress' || a === '--crd') {
      const value = args[++i];
      if (value === undefined) {
        problem ??= `${a} needs a value (see --help)`;
      } else {
        (a === '--base' ? bases : a === '--crd' ? crds : suppress).push(value);
      }
    } else if (a.startsWith('--suppress=')) {
      suppress.push(a.slice('--suppress='.length));
    } else if (a.startsWith('-')) {
      problem ??= `unknown option ${a} (see --help)`;
    } else {
      paths.push(a);
    }
  }
  return { json, bases, paths, problem, suppress, namespace, crds, complete };
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
    // the state a cluster keeps: what the API server or the webhook refuses is not applied
    const analyzer = new Analyzer();
    // the two sides of a diff mostly hold the same objects: each distinct object is judged once
    const verdicts = new Map<string, ReturnType<Analyzer['refusal']>>();
    const refusal = (m: Manifest) => {
      const key = `${m.identity}\n${JSON.stringify(m.object)}`;
      if (!verdicts.has(key)) verdicts.set(key, analyzer.refusal(m));
      return verdicts.get(key);
    };
    if (command === 'explain') {
      const { manifests, notApplied } = applyInOrder([...base, ...options.inputs.map(loadSide)], refusal);
      out(explain(new TrafficModel(manifests, { notApplied, from: options.from }), analyzer.analyze(manifests), options.format));
      return 0;
    }
    const [before, after] = options.inputs.map(side => {
      const { manifests, notApplied } = applyInOrder([...base, loadSide(side)], refusal);
      return new TrafficModel(manifests, { notApplied, from: options.from });
    });
    const changes = diff(before, after);
    out(formatDiff(changes, before, after, options.format));
    return options.exitCode && changes.length > 0 ? 1 : 0;
  } catch (e) {
    err(`cdk8s-istio ${command}: ${e instanceof InputError ? e.message : `internal error: ${(e as Error).message}`}\n`);
    return 2;
  }
}

function reviewArgs(args: readonly string[]): { format: Format; exitCode: boolean; base?: string; from?: string; inputs: string[] } {
  let format: Format = 'text';
  let exitCode = false;
  let base: string | undefined;
  let from: string | undefined;
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
    } else if (a === '--from') {
      if (args[i + 1] === undefined) {
        throw new InputError('--from needs a workload ([namespace/]name of a Deployment, StatefulSet, Pod, ...)');
      }
      from = args[++i];
    } else if (a.startsWith('--')) {
      throw new InputError(`unknown option ${a} (see --help)`);
    } else {
      inputs.push(a);
    }
  }
  return { format, exitCode, base, from, inputs };
}
