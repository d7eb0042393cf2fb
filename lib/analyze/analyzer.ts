import * as path from 'path';
import { MESH_CHECKS } from './checks';
import { check, Check, Finding, Severity } from './finding';
import { assumedObjects } from './model/defaults';
import { groupBy, Mesh } from './model/mesh';
import { Manifest } from './read/manifest';
import { metadataFindings } from './schema/metadata';
import { SchemaValidator } from './schema/schema';
import { CHECKED_GROUPS } from './schema/schema-table';
import { webhookFindings } from './webhook';

/** The checks of this module, by name; lib/analyze/catalogue.ts lists every module's in code order. */
export const CODES = {
  notChecked: check('CI005', Severity.INFO, '-', 'kind outside Istio and Kubernetes core, not checked',
    'a kind outside Istio, the Gateway API and Kubernetes core, whose CustomResourceDefinition neither the input nor `--crd` gives (not checked)'),
  checkFailed: check('CI006', Severity.WARNING, '-', 'a cross-reference check could not read a malformed object and skipped it',
    'a cross-reference check that could not read a malformed object, even after skipping the objects the schema rejected (the check skipped it; never a crash)'),
  removedApi: check('CI008', Severity.ERROR, 'kubectl apply',
    'an object of an API Istio 1.30 or Kubernetes no longer serves', 'an object of an API that Istio 1.30 or Kubernetes no longer serves, so `kubectl apply` fails (no such kind): `rbac.istio.io` (ServiceRole, ServiceRoleBinding, RbacConfig, ClusterRbacConfig), `authentication.istio.io/v1alpha1` Policy and MeshPolicy, Mixer\'s `config.istio.io` kinds, and `extensions/v1beta1`, `apps/v1beta1`, `apps/v1beta2` workloads; the message names the replacement'),
  duplicateIdentity: check('CI265', Severity.WARNING, 'kubectl apply', 'several objects of one identity (group, kind, namespace, name) in one state: kubectl apply keeps the last',
    'several objects of one identity (group, kind, namespace, name) in one state: reported once, at the object `kubectl apply` keeps (the last), naming every place; the analysis reads that one alone'),
} satisfies Record<string, Check>;

/** Groups of Kubernetes itself: used to resolve references, never reported as unknown. */
const KUBERNETES_GROUPS = new Set(['', 'apps', 'batch', 'policy', 'autoscaling']);

/** Namespaces istioctl leaves out of an analysis (analyze.go's default exclusions): the cluster's own. */
const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);

/** APIs removed from Istio or Kubernetes, by `group/version` or group, with what replaced them. */
const REMOVED_APIS: ReadonlyArray<{ matches: (group: string, version: string, kind: string) => boolean; replacement: (kind: string) => string }> = [
  { matches: g => g === 'rbac.istio.io', replacement: () => 'security.istio.io/v1 AuthorizationPolicy (rbac.istio.io was removed in Istio 1.6)' },
  { matches: (g, v) => g === 'authentication.istio.io' && v === 'v1alpha1', replacement: () => 'security.istio.io/v1 PeerAuthentication for mTLS and RequestAuthentication with AuthorizationPolicy for JWT (removed in Istio 1.6)' },
  { matches: g => g === 'config.istio.io', replacement: () => 'the Telemetry API (telemetry.istio.io/v1) for telemetry, WasmPlugin or an ext-authz provider for policy (Mixer was removed in Istio 1.8)' },
  { matches: (g, v, k) => ['extensions', 'apps'].includes(g) && ['v1beta1', 'v1beta2'].includes(v) && ['Deployment', 'DaemonSet', 'ReplicaSet', 'StatefulSet'].includes(k), replacement: k => `apps/v1 ${k} (the beta versions were removed in Kubernetes 1.16)` },
  { matches: (g, v, k) => g === 'extensions' && v === 'v1beta1' && k === 'Ingress', replacement: () => 'networking.k8s.io/v1 Ingress (removed in Kubernetes 1.22)' },
];

/** How an analyzer reads its input. */
export interface AnalyzerOptions {
  /**
   * The input is the whole cluster, as `istioctl analyze` sees one: every host, selector, Secret, Gateway
   * and namespace a reference names must be in it (Istio's default ingress gateway and what Flagger
   * creates aside). By default a reference into a namespace the input does not describe is not checked,
   * as the input may be a part of what the cluster holds.
   */
  readonly complete?: boolean;
}

/**
 * Checks Istio configuration offline: each object against its CRD schema and CEL rules, then the
 * objects against each other the way `istioctl analyze` and Kiali do.
 *
 * One analyzer compiles each kind's schema once; reuse it across analyses.
 */
export class Analyzer {
  private readonly schemas = new SchemaValidator();
  /** Per-object findings depend on the object alone: layers share a base, so each is checked once. */
  private readonly objectFindings = new WeakMap<Manifest, Finding[]>();
  private readonly complete: boolean;

  /**
   * @param crds CustomResourceDefinitions whose kinds are validated against their schemas (CI101, CI102)
   *   beside Istio's and the Gateway API's: a delivery controller's, a team's own. Those in the input
   *   count too.
   */
  public constructor(crds: readonly Manifest[] = [], options: AnalyzerOptions = {}) {
    crds.forEach(crd => this.addCrd(crd));
    this.complete = options.complete ?? false;
  }

  /**
   * Analyzes manifests as one mesh: references resolve among them.
   *
   * Each object is checked against its schema first. A cross-reference check reads every object; when a
   * malformed one makes it fail, it runs again without the objects the schema rejected, so one broken
   * object never stops the analysis of the others (and never crashes it).
   */
  public analyze(input: readonly Manifest[]): Finding[] {
    const { manifests, duplicates } = appliedState(input.filter(m => !SYSTEM_NAMESPACES.has(m.namespace) && !(m.kind === 'Namespace' && SYSTEM_NAMESPACES.has(m.name))));
    manifests.forEach(m => this.addCrd(m));
    const findings = [...duplicates, ...manifests.flatMap(m => this.checkObject(m))];
    const rejected = new Set(manifests.filter(m => this.checkObject(m).some(f => f.severity === Severity.ERROR)));
    let whole: Mesh | undefined;
    let valid: Mesh | undefined;
    const assumed = assumedObjects(manifests);
    for (const check of MESH_CHECKS) {
      try {
        whole ??= new Mesh([...manifests, ...assumed], { complete: this.complete });
        findings.push(...check(whole));
      } catch {
        try {
          valid ??= new Mesh([...manifests.filter(m => !rejected.has(m)), ...assumed], { complete: this.complete });
          findings.push(...check(valid));
        } catch (e) {
          findings.push(checkFailed(check.name, manifests, e as Error));
        }
      }
    }
    return sortFindings(findings);
  }

  /**
   * Analyzes overlays that are alternatives applied on top of a shared base (the tutorial's release
   * steps on Bookinfo): each overlay together with the base, never with the other overlays, its objects
   * replacing the base's objects of the same group, kind, namespace and name. Findings in the base are
   * reported once.
   */
  public analyzeLayers(base: readonly Manifest[], overlays: ReadonlyArray<readonly Manifest[]>): Finding[] {
    if (overlays.length === 0) {
      return this.analyze(base);
    }
    const unique = new Map<string, Finding>();
    for (const overlay of overlays) {
      // as kubectl apply does, an overlay object replaces the base object of the same identity
      const replaced = new Set(overlay.map(m => m.identity));
      for (const f of this.analyze([...base.filter(m => !replaced.has(m.identity)), ...overlay])) {
        unique.set(`${f.file}|${f.line}|${f.code}|${f.object}|${f.message}`, f);
      }
    }
    return sortFindings([...unique.values()]);
  }

  /**
   * Analyzes a directory tree as `kubectl apply -f` applies it: the files directly in the top directory
   * are one state; each file of a subdirectory is an alternative applied on top of that state and of the
   * files of every directory between (dist/gateway-api/steps/ on dist/ and dist/gateway-api/).
   *
   * @param nested the files found in subdirectories
   */
  public analyzeTree(manifests: readonly Manifest[], nested: ReadonlySet<string>): Finding[] {
    const top = manifests.filter(m => !nested.has(m.file));
    const inner = manifests.filter(m => nested.has(m.file));
    const byDir = groupBy(inner, m => path.dirname(m.file));
    const unique = new Map<string, Finding>();
    const add = (findings: Finding[]) => findings.forEach(f => unique.set(`${f.file}|${f.line}|${f.code}|${f.object}|${f.message}`, f));
    add(this.analyze(top));
    for (const [dir, dirManifests] of byDir) {
      const ancestors = inner.filter(m => dir.startsWith(`${path.dirname(m.file)}${path.sep}`));
      add(this.analyzeLayers([...top, ...ancestors], [...groupBy(dirManifests, m => m.file).values()]));
    }
    return sortFindings([...unique.values()]);
  }

  /**
   * Why `kubectl apply` would not store `m`, judged on the object alone: the first error of the API
   * server's checks (schema, CEL, metadata, removed APIs) or istiod's validating webhook; else undefined.
   */
  public refusal(m: Manifest): Finding | undefined {
    return this.checkObject(m).find(f => f.severity === Severity.ERROR);
  }

  private addCrd(m: Manifest): void {
    if (m.group === 'apiextensions.k8s.io' && m.kind === 'CustomResourceDefinition') {
      this.schemas.addCustomResourceDefinition(m);
    }
  }

  private checkObject(m: Manifest): Finding[] {
    let findings = this.objectFindings.get(m);
    if (!findings) {
      findings = this.checkObjectOnce(m);
      this.objectFindings.set(m, findings);
    }
    return findings;
  }

  private checkObjectOnce(m: Manifest): Finding[] {
    // the API server validates every kind's metadata before its schema
    const metadata = metadataFindings(m);
    const findings = this.checkContent(m);
    return metadata.length === 0 ? findings : [...metadata, ...findings];
  }

  private checkContent(m: Manifest): Finding[] {
    const version = m.apiVersion.split('/').pop() ?? '';
    const removed = REMOVED_APIS.find(r => r.matches(m.group, version, m.kind));
    if (removed) {
      return [m.finding(CODES.removedApi, `${m.apiVersion} ${m.kind} is no longer served, so kubectl apply fails on it: use ${removed.replacement(m.kind)}`, ['apiVersion'])];
    }
    if (CHECKED_GROUPS.has(m.group)) {
      const schema = this.schemas.validate(m);
      // the API server calls the webhook only with objects its schema accepted
      return schema.some(f => f.severity === Severity.ERROR) ? schema : [...schema, ...webhookFindings(m)];
    }
    if (KUBERNETES_GROUPS.has(m.group) || m.group.endsWith('.k8s.io')) {
      return this.schemas.validateCore(m);
    }
    const custom = this.schemas.validateCustom(m);
    if (custom) {
      return custom;
    }
    return [m.finding(CODES.notChecked, `${m.apiVersion} ${m.kind} is not an Istio or Kubernetes core kind; not checked`, ['kind'])];
  }
}

/**
 * The state `kubectl apply` leaves from `input` in order: of several objects of one identity, the last.
 * Each such identity is reported once, at the object that wins, naming every place it is defined.
 */
function appliedState(input: readonly Manifest[]): { manifests: Manifest[]; duplicates: Finding[] } {
  const byIdentity = new Map<string, Manifest[]>();
  for (const m of input) {
    byIdentity.set(m.identity, [...(byIdentity.get(m.identity) ?? []), m]);
  }
  if (byIdentity.size === input.length) {
    return { manifests: [...input], duplicates: [] };
  }
  const winners = new Set([...byIdentity.values()].map(list => list[list.length - 1]));
  const duplicates = [...byIdentity.values()].filter(list => list.length > 1).map(list => {
    const last = list[list.length - 1];
    return last.finding(CODES.duplicateIdentity, `${last.kind} ${last.namespace}/${last.name} is defined ${list.length} times (${list.map(m => `${m.file}:${m.lineOf([])}`).join(', ')}); `
      + `kubectl apply keeps the last, ${last.file}:${last.lineOf([])}, which the analysis reads: keep one, or give each its own name`);
  });
  return { manifests: input.filter(m => winners.has(m)), duplicates };
}

function checkFailed(check: string, manifests: readonly Manifest[], error: Error): Finding {
  const first = manifests[0];
  return {
    code: CODES.checkFailed.code, severity: CODES.checkFailed.severity, file: first?.file ?? '-', line: 1, object: '-',
    message: `check ${check} could not read the input, even without the objects the schema rejected (${error.message.split('\n')[0]}); fix the malformed Kubernetes objects`,
  };
}

/** Orders findings by file, line and code, so output is stable and diffable. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.code.localeCompare(b.code) || a.message.localeCompare(b.message));
}

/** Whether any finding is an error. */
export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some(f => f.severity === Severity.ERROR);
}

/** Renders findings as `file:line  CODE  severity  kind/namespace/name  message`. */
export function formatFindings(findings: readonly Finding[]): string {
  return findings.map(f => `${f.file}:${f.line}  ${f.code}  ${f.severity}  ${f.object}  ${f.message}${f.constructPath ? `  [${f.constructPath}]` : ''}`).join('\n');
}
