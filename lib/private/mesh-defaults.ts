/**
 * Istio's root namespace, where mesh-wide policies live (the `rootNamespace` of a default install).
 *
 * @internal
 */
export const ROOT_NAMESPACE = 'istio-system';

/**
 * Annotation in which a VirtualService records the subsets its routes name that a DestinationRule outside
 * the app defines (`MeshService.fromHost(host, { subsets })`), as `host=v1,v2;other=v3`. The analyzer
 * reports such subsets as not checked (CI216) instead of undefined.
 *
 * @internal
 */
export const EXTERNAL_SUBSETS = 'cdk8s-istio.io/external-subsets';

/**
 * The labels Flagger finds a workload's pods by, in its order (its `-selector-labels` default); its
 * primary pods carry the first of them suffixed `-primary`.
 *
 * @internal
 */
export const FLAGGER_SELECTOR_LABELS = ['app', 'name', 'app.kubernetes.io/name'];
