import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { labelsMatch } from './labels';
import { SynthIndex } from './synth-index';

/**
 * The kinds whose pod template runs a service's pods, whoever wrote them (cdk8s-plus, `KubeDeployment`,
 * an `Include` or a `Helm` chart): they are read from the synthesized objects.
 *
 * @internal
 */
export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Rollout'];

/**
 * A workload of the app as a service's traffic sees it: its pods' labels and identity.
 *
 * @internal
 */
export interface PodWorkload {
  readonly object: ApiObject;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly labels: Record<string, string>;
  /** The pods' ServiceAccount: Kubernetes runs them as `default` unless the template names one. */
  readonly serviceAccount: string;
}

/** The workload an API object is, or `undefined` for other kinds (and Rollouts that reference a template elsewhere). */
export function podWorkload(object: ApiObject, manifest: any = object.toJson()): PodWorkload | undefined {
  if (!WORKLOAD_KINDS.includes(object.kind) || !manifest.spec?.template) {
    return undefined;
  }
  const template = manifest.spec.template;
  return {
    object,
    kind: object.kind,
    name: manifest.metadata?.name ?? object.name,
    namespace: manifest.metadata?.namespace,
    labels: template.metadata?.labels ?? {},
    serviceAccount: template.spec?.serviceAccountName ?? template.spec?.serviceAccount ?? 'default',
  };
}

/** The workloads below `scope` now, rendered as they stand. */
export function workloadsBelow(scope: IConstruct): PodWorkload[] {
  return scope.node.findAll()
    .filter((c): c is ApiObject => c instanceof ApiObject && WORKLOAD_KINDS.includes(c.kind))
    .flatMap(o => podWorkload(o) ?? []);
}

/**
 * The app's workloads in `namespace` whose pod labels match `selector`, at synth.
 *
 * Indexed once per validation pass by namespace and pod label, so a lookup reads only the workloads that
 * carry one of the selector's labels.
 */
export function workloadsSelectedBy(scope: IConstruct, namespace: string | undefined, selector: Record<string, string>): PodWorkload[] {
  const index = SynthIndex.of(scope);
  const byLabel = index.memo('workloads-by-label', () => {
    const map = new Map<string, PodWorkload[]>();
    for (const kind of WORKLOAD_KINDS) {
      for (const { object, manifest } of index.objectsOf(kind)) {
        const workload = podWorkload(object, manifest);
        for (const [k, v] of Object.entries(workload?.labels ?? {})) {
          const key = labelKey(workload!.namespace, k, v);
          map.set(key, [...(map.get(key) ?? []), workload!]);
        }
      }
    }
    return map;
  });
  const [first] = Object.entries(selector).map(([k, v]) => byLabel.get(labelKey(namespace, k, v)) ?? []).sort((a, b) => a.length - b.length);
  return first ? first.filter(w => labelsMatch(selector, w.labels)) : [];
}

function labelKey(namespace: string | undefined, key: string, value: string): string {
  return `${namespace ?? ''}\0${key}=${value}`;
}
