import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * An API object of the tree together with its rendered manifest.
 *
 * @internal
 */
export interface RenderedObject {
  readonly object: ApiObject;
  readonly manifest: any;
}

/**
 * Renders every API object of `kind` below `scope`, in tree order.
 *
 * Validations call this instead of reading props, so they see what is synthesized, escape-hatch
 * overrides included.
 *
 * @internal
 */
export function renderedObjects(scope: IConstruct, kind: string): RenderedObject[] {
  return scope.node.findAll()
    .filter((c): c is ApiObject => c instanceof ApiObject && c.kind === kind)
    .map(object => ({ object, manifest: object.toJson() }));
}

/**
 * Renders labels as `k=v, k=v` for error messages.
 *
 * @internal
 */
export function formatLabels(labels: Record<string, string>): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(', ');
}
