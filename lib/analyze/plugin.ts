import * as fs from 'fs';
import * as path from 'path';
import type { Validation, ValidationContext, ValidationViolatingResource } from 'cdk8s-cli/lib/plugins/validation';
import { Analyzer, hasErrors } from './analyzer';
import { Suppressions } from './suppress';
import { CHECKS } from './catalogue';
import { Finding, Severity } from './finding';
import { Manifest, parseManifests } from './read/manifest';

/**
 * Properties for `IstioAnalyzerPlugin`, set under `properties:` in `cdk8s.yaml`.
 */
export interface IstioAnalyzerPluginProps {
  /**
   * Manifest files (names in the output directory, e.g. `bookinfo.k8s.yaml`) that every other manifest
   * is applied on top of. The others are alternatives: each is analyzed with the base, not with each other.
   *
   * @default - the files directly in the output directory are one state (what `kubectl apply -f dist/`
   * applies); each file in a subdirectory is an alternative applied on top of it and of the files of the
   * directories between
   */
  readonly base?: string[];

  /**
   * Findings to hide, as `cdk8s-istio analyze --suppress` takes them: a code (`CI228`, or the istioctl code
   * it mirrors, `IST0128`), or `CODE=Kind name[.namespace]` for one object. Objects annotated
   * `galley.istio.io/analyze-suppress` hide the codes they list on themselves either way.
   *
   * @default - none
   */
  readonly suppress?: string[];

  /**
   * Files of CustomResourceDefinitions (a delivery controller's, your own), relative to the app's
   * directory: objects of their kinds are checked against their schemas, as `cdk8s-istio analyze --crd`
   * does. Without them such objects are noted as not checked.
   *
   * @default - none
   */
  readonly crds?: string[];

  /**
   * The app's output is the whole cluster, as `cdk8s-istio analyze --complete` reads its input: every
   * host, selector, Secret, Gateway and namespace a reference names must be synthesized too.
   *
   * @default false
   */
  readonly complete?: boolean;
}

/**
 * A cdk8s validation plugin that runs the Istio analyzer on the synthesized manifests, so `cdk8s synth`
 * fails on what the API server or `istioctl analyze` would reject.
 *
 * After reading it, the plugin removes the `construct-metadata.json` that cdk8s writes into the output
 * directory for validation reports, so the directory holds only manifests.
 *
 * @example
 * # cdk8s.yaml
 * validations:
 *   - package: ./node_modules/cdk8s-istio/plugin.js
 *     class: IstioAnalyzerPlugin
 *     version: 0.1.0
 *     properties: { base: [bookinfo.k8s.yaml] }
 */
export class IstioAnalyzerPlugin implements Validation {
  private readonly base: Set<string>;

  private readonly suppressions: Suppressions;

  private readonly crds: Manifest[];

  private readonly complete: boolean;

  public constructor(props: IstioAnalyzerPluginProps = {}) {
    this.complete = props.complete ?? false;
    this.base = new Set(props.base ?? []);
    try {
      this.suppressions = Suppressions.parse(props.suppress ?? []);
    } catch (e) {
      throw new Error(`IstioAnalyzerPlugin: 'suppress' holds a malformed rule: ${(e as Error).message}`, { cause: e });
    }
    this.crds = (props.crds ?? []).flatMap(file => {
      const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
      const crds = text === undefined ? [] : parseManifests(file, text).manifests.filter(m => m.group === 'apiextensions.k8s.io' && m.kind === 'CustomResourceDefinition');
      if (crds.length === 0) {
        throw new Error(`IstioAnalyzerPlugin: 'crds' names ${file}, which ${text === undefined ? 'does not exist' : 'holds no CustomResourceDefinition'}`);
      }
      return crds;
    });
  }

  public async validate(context: ValidationContext): Promise<void> {
    const files = context.manifests.map(file => ({ file, ...read(file, context) }));
    const missing = [...this.base].filter(b => !files.some(f => path.basename(f.file) === b));
    if (missing.length > 0) {
      throw new Error(`IstioAnalyzerPlugin: 'base' names ${missing.join(', ')}, which the app did not synthesize (synthesized: ${files.map(f => path.basename(f.file)).join(', ')})`);
    }
    const outdir = files.map(f => path.dirname(f.file)).sort((a, b) => a.length - b.length)[0];
    const analyzer = new Analyzer(this.crds, { complete: this.complete });
    const isBase = (file: string) => this.base.has(path.basename(file));
    const analyzed = this.base.size > 0
      ? analyzer.analyzeLayers(files.filter(f => isBase(f.file)).flatMap(f => f.manifests), files.filter(f => !isBase(f.file)).map(f => f.manifests))
      : analyzer.analyzeTree(files.flatMap(f => f.manifests), new Set(files.filter(f => path.dirname(f.file) !== outdir).map(f => f.file)));
    const findings = this.suppressions.apply([...files.flatMap(f => f.findings), ...analyzed], files.flatMap(f => f.manifests));
    if (outdir !== undefined) {
      // cdk8s writes it for this report; left in place, `kubectl apply -f dist/` fails to decode it
      fs.rmSync(path.join(outdir, 'construct-metadata.json'), { force: true });
    }

    for (const check of Object.values(CHECKS)) {
      const violations = findings.filter(f => f.code === check.code && f.severity !== Severity.INFO);
      if (violations.length > 0) {
        context.report.addViolation({
          ruleName: `${check.code} ${check.title} (${check.severity}${check.mirrors === '-' ? '' : `; ${check.mirrors}`})`,
          recommendation: [...new Set(violations.map(v => v.message))].join('; '),
          fix: 'fix the construct props named in the message, or the escape-hatch override that produced the field',
          violatingResources: violations.map(toResource),
        });
      }
    }
    const count = (s: Severity) => String(findings.filter(f => f.severity === s).length);
    context.report.submit(hasErrors(findings) ? 'failure' : 'success', {
      errors: count(Severity.ERROR), warnings: count(Severity.WARNING), infos: count(Severity.INFO),
    });
  }
}

/** Parses one synthesized manifest file, attaching construct paths where cdk8s' metadata pins them. */
function read(file: string, context: ValidationContext): { manifests: Manifest[]; findings: Finding[] } {
  const parsed = parseManifests(file, fs.readFileSync(file, 'utf8'));
  const chart = path.basename(file).replace(/\.k8s\.yaml$/, '');
  const counts = new Map<string, number>();
  for (const m of parsed.manifests) {
    counts.set(m.name, (counts.get(m.name) ?? 0) + 1);
  }
  const manifests = parsed.manifests.map(m => {
    // cdk8s keys construct metadata by object name alone; trust it only when it cannot be another object
    const recorded = context.metadata[m.name]?.path;
    const unique = counts.get(m.name) === 1 && recorded?.startsWith(`${chart}/`);
    return new Manifest(m.file, m.object, p => m.lineOf(p), unique ? recorded : `chart ${chart}`);
  });
  return { manifests, findings: parsed.findings };
}

function toResource(f: Finding): ValidationViolatingResource {
  // cdk8s looks the construct path up by object name: give it the name where that finds this object alone
  const pinned = f.constructPath !== undefined && !f.constructPath.startsWith('chart ');
  return {
    resourceName: pinned ? f.object.split('/').pop()! : f.object,
    manifestPath: f.file,
    locations: [`line ${f.line} (${f.object}): ${f.message}${f.constructPath ? ` [construct ${f.constructPath}]` : ''}`],
  };
}
