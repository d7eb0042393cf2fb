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

const DURATION_UNITS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 1e-3, 'µs': 1e-3, ns: 1e-6 };

/** A duration as Istio and the Gateway API write them (`1.5s`, `500ms`, `1m30s`) in milliseconds; undefined if it is none. */
export function durationMillis(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^(\d+(\.\d+)?(h|ms|m|s|us|µs|ns))+$/.test(value)) {
    return undefined;
  }
  let total = 0;
  for (const [, number, unit] of value.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)) {
    total += Number(number) * DURATION_UNITS[unit];
  }
  return total;
}

/** `spec.http[0].route`: the path as the API server prints it. */
export function jsonPath(path: ReadonlyArray<string | number>): string {
  return path.map((p, i) => typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${p}`).join('');
}
