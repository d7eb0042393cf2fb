/**
 * Whether `labels` carry every label of `selector`, as Kubernetes matches `matchLabels` (an empty selector
 * matches everything; no labels match only an empty selector).
 *
 * @internal
 */
export function labelsMatch(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}
