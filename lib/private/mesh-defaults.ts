/**
 * Istio's root namespace, where mesh-wide policies live (the `rootNamespace` of a default install).
 *
 * @internal
 */
export const ROOT_NAMESPACE = 'istio-system';
