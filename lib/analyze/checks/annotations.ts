import { check, Check, Finding, Severity } from '../finding';
import { ISTIO_ANNOTATIONS, IstioAnnotation } from '../model/istio-annotations';
import { Manifest } from '../read/manifest';
import { Mesh } from '../model/mesh';
import { ANNOTATION_VALUES } from '../webhook/annotation-values';
import { objects } from '../read/values';

/** The checks of this module, by name; lib/analyze/catalogue.ts lists every module's in code order. */
export const CODES = {
  unknownAnnotation: check('CI257', Severity.WARNING, 'IST0108', 'an annotation in Istio\'s namespace (*istio.io/…) that Istio 1.30 does not define',
    'an annotation in Istio\'s namespace (`*istio.io/…`, and `kubernetes.io/ingress.class`) that Istio 1.30 does not define, on a Namespace, Service, Pod or Deployment, or on a workload\'s pod template (checked as its pods are)'),
  misplacedAnnotation: check('CI258', Severity.WARNING, 'IST0107', 'an Istio annotation on a kind it does not apply to (a pod annotation on a Deployment)',
    'an Istio annotation on a kind it does not apply to (a pod annotation such as `sidecar.istio.io/proxyCPU` on the Deployment instead of its pod template)'),
  invalidAnnotation: check('CI259', Severity.WARNING, 'IST0125', 'an Istio annotation value the sidecar injector refuses (ports, CIDRs, quantities, proxy config)',
    'an annotation value the sidecar injector refuses: ports, port lists, CIDR lists, interface names, booleans, resource quantities, interception mode, and the ProxyConfig of `proxy.istio.io/config` (required fields, ports, addresses, drain duration, auth policy)'),
  deprecatedAnnotation: check('CI260', Severity.INFO, 'IST0135', 'a deprecated Istio annotation',
    'a deprecated Istio annotation (`sidecar.istio.io/inject` as an annotation, unless the label is set too)'),
  alphaAnnotation: check('CI261', Severity.INFO, 'IST0136', 'an Istio annotation of an alpha-phase feature',
    'an Istio annotation of an alpha-phase feature (not those istiod, controllers or the injector set themselves)'),
} satisfies Record<string, Check>;

// istioctl 1.30's annotations.K8sAnalyzer and maturity.AlphaAnalyzer: Istio annotations on the four kinds
// they read, looked up in Istio's own annotation catalogue (istio-annotations.ts, generated from istio/api).

/** The kinds both analyzers read, by the name Istio's catalogue gives them. */
const ANNOTATED: Array<[group: string, kind: string]> = [['', 'Namespace'], ['', 'Service'], ['', 'Pod'], ['apps', 'Deployment']];

/** Set by istiod, controllers or the injector, never by a user: no finding of either analyzer. */
const ALWAYS_IGNORED = new Set(['sidecar.istio.io/status', 'gateway.istio.io/controller-version', 'istio.io/rev']);

/** Set by the injector on pods it injects for istio-cni (no `istio-init` container): not the user's doing. */
const SET_BY_INJECTOR = new Set([
  'sidecar.istio.io/interceptionMode', 'traffic.sidecar.istio.io/includeInboundPorts',
  'traffic.sidecar.istio.io/excludeInboundPorts', 'traffic.sidecar.istio.io/includeOutboundIPRanges',
]);

const INJECT_ANNOTATION = 'sidecar.istio.io/inject';

/**
 * IST0108 (unknown), IST0135 (deprecated), IST0107 (misplaced), IST0125 (invalid value) and IST0136
 * (alpha) on the annotations of Namespaces, Services, Pods and Deployments that are in Istio's namespace.
 */
export function checkAnnotations(mesh: Mesh): Finding[] {
  const findings: Finding[] = [];
  for (const [group, kind] of ANNOTATED) {
    for (const m of mesh.ofKind(group, kind)) {
      const annotations = m.object.metadata?.annotations;
      if (!annotations || typeof annotations !== 'object') continue;
      for (const [name, value] of Object.entries(annotations)) {
        if (isIstioAnnotation(name) && !ALWAYS_IGNORED.has(name)) {
          findings.push(...annotationFindings(m, name, value, m.kind, []));
        }
      }
    }
  }
  // a workload's pod template becomes its pods, which istioctl reads from the cluster as Pods: the
  // template's annotations are checked as a Pod's, at their place in the template
  for (const m of mesh.manifests) {
    const at = templatePath(m);
    const annotations = at && at.reduce((o: any, k) => o?.[k], m.object)?.metadata?.annotations;
    if (!annotations || typeof annotations !== 'object') continue;
    for (const [name, value] of Object.entries(annotations)) {
      if (isIstioAnnotation(name) && !ALWAYS_IGNORED.has(name)) {
        findings.push(...annotationFindings(m, name, value, 'Pod', at));
      }
    }
  }
  return findings;
}

/** Where a workload kind holds its pod template. */
function templatePath(m: Manifest): string[] | undefined {
  if (m.group === 'apps' && ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].includes(m.kind)) return ['spec', 'template'];
  if (m.group === 'batch' && m.kind === 'Job') return ['spec', 'template'];
  if (m.group === 'batch' && m.kind === 'CronJob') return ['spec', 'jobTemplate', 'spec', 'template'];
  if (m.group === '' && m.kind === 'ReplicationController') return ['spec', 'template'];
  if (m.group === 'argoproj.io' && m.kind === 'Rollout') return ['spec', 'template'];
  return undefined;
}

/** Findings for one annotation as it applies to `kind` (a Pod for a template), at `metadata.annotations` under `at`. */
function annotationFindings(m: Manifest, name: string, value: unknown, kind: string, at: string[]): Finding[] {
  const path = [...at, 'metadata', 'annotations', name];
  const known = ISTIO_ANNOTATIONS.get(name);
  if (!known) {
    return [m.finding(CODES.unknownAnnotation, `Unknown annotation: ${name} (not an annotation of Istio 1.30)`, path)];
  }
  const findings: Finding[] = [];
  if (isAlpha(m, name, known, kind, at)) {
    findings.push(m.finding(CODES.alphaAnnotation, `Annotation "${name}" is part of an alpha-phase feature and may be incompletely supported.`, path));
  }
  const labels = at.reduce((o: any, k) => o?.[k], m.object)?.metadata?.labels;
  if (known.deprecated && !(name === INJECT_ANNOTATION && labels?.[INJECT_ANNOTATION] !== undefined)) {
    const extra = name === INJECT_ANNOTATION ? ' in favor of the "sidecar.istio.io/inject" label' : '';
    findings.push(m.finding(CODES.deprecatedAnnotation, `Annotation "${name}" has been deprecated${extra} and may not work in future Istio versions.`, path));
  }
  if (known.resources.includes('Any')) {
    return findings;
  }
  if (!known.resources.includes(kind)) {
    findings.push(m.finding(CODES.misplacedAnnotation, `Misplaced annotation: ${name} can only be applied to ${known.resources.join(', ')}`, path));
    return findings;
  }
  const problem = ANNOTATION_VALUES[name]?.(String(value));
  if (problem) {
    findings.push(m.finding(CODES.invalidAnnotation, `Invalid annotation ${name}: ${problem}`, path));
  }
  return findings;
}

/** Istio's namespace: a prefix ending in `istio.io`, and the one Kubernetes annotation Istio documents. */
function isIstioAnnotation(name: string): boolean {
  return name === 'kubernetes.io/ingress.class' || name.split('/')[0].endsWith('istio.io');
}

/** Alpha, except what the injector itself sets on a pod that uses istio-cni (no `istio-init` container). */
function isAlpha(m: Manifest, name: string, known: IstioAnnotation, kind: string, at: string[]): boolean {
  if (known.status !== 'Alpha') return false;
  const spec = at.reduce((o: any, k) => o?.[k], m.object)?.spec;
  const withCni = kind === 'Pod' && !objects(spec?.initContainers).some(c => c.name === 'istio-init');
  return !(withCni && SET_BY_INJECTOR.has(name));
}
