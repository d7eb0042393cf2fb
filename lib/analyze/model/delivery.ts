import { FLAGGER_SELECTOR_LABELS } from '../../private/mesh-defaults';
import { Manifest } from '../read/manifest';

/** A Flagger Canary and what it creates and owns in its namespace. */
export interface FlaggerRelease {
  readonly canary: Manifest;
  /** The Service name (`spec.service.name`, else the target's name): Flagger owns it and its `-primary` and `-canary`. */
  readonly service: string;
  /** The hosts Flagger writes the routes and rules of. */
  readonly hosts: string[];
  /** The target Deployment, when the input has it. */
  readonly target?: Manifest;
  /** The label Flagger tells primary pods by, and the target's value of it. */
  readonly selector?: { readonly label: string; readonly value: string };
}

/** Flagger Canaries of the input (`flagger.app` Canary), with the hosts they own. */
export function flaggerReleases(manifests: readonly Manifest[]): FlaggerRelease[] {
  const deployments = new Map(manifests.filter(m => m.group === 'apps' && m.kind === 'Deployment').map(m => [`${m.namespace}/${m.name}`, m]));
  return manifests.filter(m => m.group === 'flagger.app' && m.kind === 'Canary').flatMap(canary => {
    const spec = canary.object.spec ?? {};
    const targetName = typeof spec.targetRef?.name === 'string' ? spec.targetRef.name : undefined;
    const service = typeof spec.service?.name === 'string' ? spec.service.name : targetName;
    if (!service) {
      return [];
    }
    const target = targetName !== undefined && (spec.targetRef?.kind ?? 'Deployment') === 'Deployment' ? deployments.get(`${canary.namespace}/${targetName}`) : undefined;
    const matchLabels: Record<string, string> = target?.object.spec?.selector?.matchLabels ?? {};
    const label = FLAGGER_SELECTOR_LABELS.find(l => typeof matchLabels[l] === 'string');
    return [{
      canary, service, target,
      hosts: [service, `${service}-primary`, `${service}-canary`],
      selector: label ? { label, value: matchLabels[label] } : undefined,
    }];
  });
}

/**
 * What Flagger creates for a Canary whose target the input has: the primary Deployment's pod (the target's
 * template labels, the selector label suffixed `-primary`) and the `-primary` and `-canary` Services
 * (and the apex Service, when the input has none), so references to them resolve.
 */
export function flaggerCreates(release: FlaggerRelease, manifests: readonly Manifest[]): object[] {
  const { target, selector, service, canary } = release;
  if (!target || !selector) {
    return [];
  }
  const namespace = canary.namespace;
  const labels: Record<string, string> = target.object.spec?.template?.metadata?.labels ?? {};
  const primary = { ...labels, [selector.label]: `${selector.value}-primary` };
  const port = canary.object.spec?.service?.port;
  const ports = Number.isInteger(port) ? [{ name: canary.object.spec?.service?.portName ?? 'http', port }] : [];
  const serviceOf = (name: string, value: string) => ({
    apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector: { [selector.label]: value }, ports },
  });
  const hasApex = manifests.some(m => m.group === '' && m.kind === 'Service' && m.namespace === namespace && m.name === service);
  return [
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: `${target.name}-primary-assumed`, namespace, labels: primary }, spec: target.object.spec?.template?.spec ?? {} },
    serviceOf(`${service}-primary`, `${selector.value}-primary`),
    serviceOf(`${service}-canary`, selector.value),
    ...hasApex ? [] : [serviceOf(service, `${selector.value}-primary`)],
  ];
}

/** A VirtualService route whose weights an Argo Rollout sets. */
export interface ArgoRoute {
  readonly rollout: Manifest;
  /** The VirtualService's name and namespace as the Rollout names it (`name` or `name.namespace`). */
  readonly virtualService: { readonly name: string; readonly namespace: string };
  /** The routes it names; none: the VirtualService's only route. */
  readonly routes?: string[];
  /** Where the Rollout names them. */
  readonly path: Array<string | number>;
  /** DestinationRule mode: the rule and its two subsets. */
  readonly destinationRule?: { readonly name: string; readonly namespace: string; readonly stable: string; readonly canary: string };
  /** Host-split mode: the stable and canary Services. */
  readonly services?: { readonly stable: string; readonly canary: string };
}

/** The VirtualService routes Argo Rollouts' Istio traffic routing edits (`trafficRouting.istio`). */
export function argoRoutes(manifests: readonly Manifest[]): ArgoRoute[] {
  return manifests.filter(m => m.group === 'argoproj.io' && m.kind === 'Rollout').flatMap(rollout => {
    const canary = rollout.object.spec?.strategy?.canary;
    const istio = canary?.trafficRouting?.istio;
    if (!istio || typeof istio !== 'object') {
      return [];
    }
    const base = ['spec', 'strategy', 'canary', 'trafficRouting', 'istio'];
    const ref = (name: string) => {
      const [n, ns] = name.split('.');
      return { name: n, namespace: ns ?? rollout.namespace };
    };
    const dr = istio.destinationRule;
    const destinationRule = dr && typeof dr.name === 'string'
      ? { ...ref(dr.name), stable: String(dr.stableSubsetName), canary: String(dr.canarySubsetName) } : undefined;
    const services = typeof canary.stableService === 'string' && typeof canary.canaryService === 'string'
      ? { stable: canary.stableService, canary: canary.canaryService } : undefined;
    const entries: Array<{ vs: any; path: Array<string | number> }> = Array.isArray(istio.virtualServices)
      ? istio.virtualServices.map((vs: any, i: number) => ({ vs, path: [...base, 'virtualServices', i] }))
      : istio.virtualService ? [{ vs: istio.virtualService, path: [...base, 'virtualService'] }] : [];
    return entries.filter(e => typeof e.vs?.name === 'string').map(e => ({
      rollout,
      virtualService: ref(e.vs.name),
      routes: Array.isArray(e.vs.routes) ? e.vs.routes.map(String) : undefined,
      path: e.path,
      destinationRule,
      services,
    }));
  });
}
