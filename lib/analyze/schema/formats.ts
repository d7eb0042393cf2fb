import * as net from 'net';
import { jsonPath } from '../read/values';

/**
 * The string formats of CRD schemas that the API server validates (apiextensions' supported formats, as
 * kube-openapi's strfmt checks them), for those the pinned and delivery controllers' CRDs use. Others
 * (`int32`, `int64`, `double`) are only type hints, and unknown ones (`url`, `string`) are not checked.
 */
const FORMATS: Record<string, (value: string) => boolean> = {
  // strfmt's DateTime layouts: RFC 3339 with optional fraction, and its reduced-precision and local forms
  'date-time': v => /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/.test(v),
  'datetime': v => FORMATS['date-time'](v),
  'date': v => /^\d{4}-\d{2}-\d{2}$/.test(v),
  'byte': v => /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(v),
  // Go's net.ParseIP, which strfmt uses, takes no zone (`%eth0`)
  'ipv4': v => net.isIPv4(v),
  'ipv6': v => net.isIPv6(v) && !v.includes('%'),
};

export interface FormatViolation {
  readonly path: (string | number)[];
  readonly message: string;
}

/** Whether a schema node has a checked format anywhere below it: data under others is not walked. */
const hasFormats = new WeakMap<object, boolean>();

function summary(schema: any): boolean {
  if (!schema || typeof schema !== 'object') return false;
  let found = hasFormats.get(schema);
  if (found === undefined) {
    hasFormats.set(schema, false); // recursive schemas terminate
    found = (typeof schema.format === 'string' && schema.format in FORMATS)
      || Object.values<any>(schema.properties ?? {}).some(summary)
      || summary(schema.items) || summary(schema.additionalProperties)
      || ['allOf', 'anyOf', 'oneOf'].some(k => Array.isArray(schema[k]) && schema[k].some(summary));
    hasFormats.set(schema, found);
  }
  return found;
}

/**
 * Strings of `data` that break their schema's `format`, in the API server's words. Formats inside
 * `anyOf`/`oneOf` branches are the branches' business (the schema validator reports the branch), so only
 * formats on the node itself and its properties, items and values are checked here.
 */
export function formatViolations(schema: any, data: unknown, path: (string | number)[] = []): FormatViolation[] {
  if (data === undefined || data === null || !summary(schema)) return [];
  if (typeof data === 'string') {
    const test = typeof schema.format === 'string' ? FORMATS[schema.format] : undefined;
    return test && !test(data) ? [{ path, message: `${jsonPath(path)} in body must be of type ${schema.format}: ${JSON.stringify(data)}` }] : [];
  }
  if (Array.isArray(data)) {
    return schema.items ? data.flatMap((item, i) => formatViolations(schema.items, item, [...path, i])) : [];
  }
  if (typeof data !== 'object') return [];
  const out: FormatViolation[] = [];
  for (const [key, value] of Object.entries(data as object)) {
    const child = schema.properties?.[key] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
    if (child) out.push(...formatViolations(child, value, [...path, key]));
  }
  return out;
}
