import type { Options } from 'ajv';

/**
 * ajv options shared by the runtime compiler and the generated standalone validators, so both
 * validate identically. `verbose` keeps each error's schema, which names the fields of a `oneOf`.
 */
export const AJV_OPTIONS: Options = { allErrors: true, strict: false, validateFormats: false, verbose: true };

/**
 * The JSON Schema ajv enforces for an object of a kind: the CRD's openAPIV3Schema with the object
 * envelope (`apiVersion`, `kind`, `metadata.name`) required, read the way the API server reads it.
 */
export function objectSchema(crdSchema: any): any {
  return toJsonSchema({
    ...crdSchema,
    required: ['apiVersion', 'kind', 'metadata', ...(crdSchema.required ?? [])],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: {
        // a missing or empty name is metadata.ts's (CI009), as for every kind
        'type': 'object',
        'properties': {
          name: { type: 'string' },
          namespace: { type: 'string' },
          // ObjectMeta's maps of strings: kubectl fails to decode an object with a label `enabled: yes` (a boolean)
          labels: { type: 'object', additionalProperties: { type: 'string' } },
          annotations: { type: 'object', additionalProperties: { type: 'string' } },
        },
        'x-kubernetes-preserve-unknown-fields': true,
      },
      ...crdSchema.properties,
    },
  });
}

/**
 * Rewrites a Kubernetes structural schema into JSON Schema: unknown fields are rejected (kubectl's
 * default strict field validation), `nullable` admits null, `x-kubernetes-int-or-string` admits both.
 * CEL rules are dropped here; `CelValidator` evaluates them.
 */
function toJsonSchema(schema: any): any {
  if (Array.isArray(schema)) {
    return schema.map(toJsonSchema);
  }
  if (!schema || typeof schema !== 'object') {
    return schema;
  }
  const out: any = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'x-kubernetes-validations') {
      continue;
    }
    out[key] = key === 'properties'
      ? Object.fromEntries(Object.entries(value as object).map(([field, s]) => [field, toJsonSchema(s)]))
      : toJsonSchema(value);
  }
  if (out['x-kubernetes-int-or-string']) {
    delete out.type;
    out.anyOf = [...(out.anyOf ?? []), { type: 'integer' }, { type: 'string' }];
  }
  if (out.nullable && typeof out.type === 'string') {
    out.type = [out.type, 'null'];
  }
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}
