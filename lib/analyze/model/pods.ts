import { Manifest } from '../read/manifest';
import { Mesh, Workload } from './mesh';
import { objects } from '../read/values';

// What the analyzer knows of a workload's pods: a Pod's own metadata and spec, or its pod template's.


/** The pod a workload runs: its metadata and spec (the Pod itself, or the template of a Deployment, Job, …). */
export function podOf(m: Manifest): { labels: Record<string, string>; annotations: Record<string, string>; spec: any; containers: any[] } {
  const o = m.object;
  const pod = m.kind === 'Pod' ? o : o.spec?.template ?? o.spec?.jobTemplate?.spec?.template ?? {};
  const spec = pod.spec && typeof pod.spec === 'object' ? pod.spec : {};
  return {
    labels: pod.metadata?.labels ?? {},
    annotations: pod.metadata?.annotations ?? {},
    spec,
    containers: [...objects(spec.containers), ...objects(spec.initContainers)],
  };
}

/**
 * Whether the workload's pods are in the mesh, as istioctl decides it: an `istio-proxy` container, else the
 * pod's `sidecar.istio.io/inject` label or annotation, else its Namespace's injection label; or ambient
 * redirection. Two additions for input that was never deployed: a namespace labelled `istio.io/rev` or
 * `istio.io/dataplane-mode: ambient` puts its pods in the mesh, as the installed mesh does at admission.
 */
export function inMesh(mesh: Mesh, w: Workload): boolean {
  const pod = podOf(w.manifest);
  if (pod.annotations['ambient.istio.io/redirection'] === 'enabled') return true;
  if (pod.containers.some(c => c.name === 'istio-proxy' && c.image)) return true;
  for (const source of [pod.labels, pod.annotations]) {
    if ('sidecar.istio.io/inject' in source) return source['sidecar.istio.io/inject'] === 'true';
  }
  const labels = mesh.namespaces.get(w.namespace)?.object.metadata?.labels ?? {};
  return labels['istio-injection'] === 'enabled' || (labels['istio-injection'] === undefined && Boolean(labels['istio.io/rev'])) ||
    labels['istio.io/dataplane-mode'] === 'ambient';
}
