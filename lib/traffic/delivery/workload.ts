import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { labelsMatch } from '../../private/labels';
import { formatLabels } from '../../private/objects';
import { MeshService } from '../../service';

/**
 * The Deployment a controller promotes, as it stands when the release is declared.
 *
 * @internal
 */
export interface TargetWorkload {
  readonly object: ApiObject;
  readonly name: string;
  readonly namespace?: string;
  /** The Deployment's `spec.selector.matchLabels`. */
  readonly matchLabels: Record<string, string>;
  readonly replicas?: number;
}

/**
 * The Deployment of `workload`, or else the one Deployment of the app (its chart first) whose pods
 * `service` selects. Both controllers promote exactly one workload.
 *
 * @internal
 */
export function targetWorkload(by: IConstruct, service: MeshService, workload: IConstruct | undefined): TargetWorkload {
  const deployments = (scope: IConstruct) => (scope instanceof ApiObject ? [scope] : scope.node.findAll())
    .filter((c): c is ApiObject => c instanceof ApiObject && c.kind === 'Deployment' && c.apiGroup === 'apps');
  let found: ApiObject[];
  if (workload) {
    found = deployments(workload);
    if (found.length !== 1) {
      throw new Error(`'workload' must be or hold one Deployment, ${workload.node.path} holds ${found.length}`
        + `${found.length > 0 ? ` (${found.map(d => d.name).join(', ')})` : ''}`);
    }
  } else {
    const selector = service.selector;
    if (!selector || Object.keys(selector).length === 0) {
      throw new Error(`'workload' is required: the handle of host '${service.host}' has no selector to find its Deployment by`);
    }
    const selected = (scope: IConstruct) => deployments(scope).filter(d => {
      const m = d.toJson();
      return (m.metadata?.namespace ?? undefined) === service.namespace && labelsMatch(selector, m.spec?.template?.metadata?.labels ?? {});
    });
    found = selected(Chart.of(by));
    found = found.length > 0 ? found : selected(by.node.root);
    if (found.length !== 1) {
      throw new Error(found.length === 0
        ? `no Deployment of the app runs the pods of host '${service.host}' (${formatLabels(selector)}) yet: define it before ${by.node.path}, or pass 'workload'`
        : `host '${service.host}' selects ${found.length} Deployments (${found.map(d => d.name).join(', ')}); a controller promotes one workload, `
          + `whose pod template changes from release to release: pass 'workload'`);
    }
  }
  const manifest = found[0].toJson();
  const namespace: string | undefined = manifest.metadata?.namespace;
  if (namespace !== service.namespace) {
    throw new Error(`'workload' ${found[0].name} is in namespace '${namespace ?? '(none)'}', host '${service.host}' in '${service.namespace ?? '(none)'}': the controller and both live in one namespace`);
  }
  return {
    object: found[0],
    name: found[0].name,
    namespace,
    matchLabels: manifest.spec?.selector?.matchLabels ?? {},
    replicas: manifest.spec?.replicas,
  };
}
