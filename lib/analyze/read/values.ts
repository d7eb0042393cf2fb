// Readers the cross-reference checks share: they read objects that may be malformed, so every list is
// filtered to what its items must be, and selectors are matched as Kubernetes matches labels.

/** The object items of a list field; none when the field is not a list. */
export function objects(value: unknown): any[] {
  return Array.isArray(value) ? value.filter(v => v && typeof v === 'object') : [];
}

/** The string items of a list field; none when the field is not a list. */
export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export { labelsMatch } from '../../private/labels';

/** A label selector as Kubernetes prints it: `k=v` pairs sorted by key, comma-separated. */
export function selectorString(selector: Record<string, string>): string {
  return Object.keys(selector).sort().map(k => `${k}=${selector[k]}`).join(',');
}
