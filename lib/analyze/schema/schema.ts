import * as path from 'path';
import type Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { celViolationsOfDefaulted, withDefaults } from './cel';
import { formatViolations } from './formats';
import { CORE_SCHEMAS } from './core-schemas';
import { check, Check, Finding, Severity } from '../finding';
import { AJV_OPTIONS, objectSchema } from './json-schema';
import { Manifest } from '../read/manifest';
import { jsonPath } from '../read/values';
import { coreValidatorId, KINDS, kindSchema, SchemaVariant, validatorId } from './schema-table';

/** The checks of this module, by name; lib/analyze/catalogue.ts lists every module's in code order. */
export const CODES = {
  unknownKind: check('CI003', Severity.ERROR, '-', 'unknown Istio kind or version',
    'an unknown Istio kind or version (names what is served)'),
  schema: check('CI101', Severity.ERROR, 'API server', 'object violates the CRD schema (type, enum, required, unknown field, oneOf)',
    'the CRD\'s `openAPIV3Schema` (Istio and Gateway API kinds): types, enums, patterns, required fields, unknown fields (kubectl\'s strict field validation), `oneOf` exclusivity (`exact` and `prefix` both set)'),
  cel: check('CI102', Severity.ERROR, 'API server', 'object violates a CEL rule (x-kubernetes-validations) of the CRD',
    'the CRD\'s CEL rules (`x-kubernetes-validations`), with the rule\'s own message: durations ≥ 1ms, ports 1..65535, `targetRefs` xor `selector`, ServiceEntry resolution rules, …'),
  celNotEvaluated: check('CI103', Severity.WARNING, '-', 'a CEL rule of the CRD could not be evaluated',
    'a CEL rule that could not be evaluated (never counted as passing)'),
} satisfies Record<string, Check>;


/**
 * Validates Istio objects against the openAPIV3Schema of their kind (ajv) and its CEL rules (cel-js).
 *
 * Each kind's validator comes precompiled from `generated/<Kind>.js` when the build generated those,
 * else ajv compiles it on first use, with the same options.
 */
export class SchemaValidator {
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly precompiled = hasPrecompiled();
  private ajv?: Ajv;
  /** Kinds of CustomResourceDefinitions the user gave (`--crd`, or in the input), by `group/Kind`. */
  private readonly custom = new Map<string, { crd: Manifest; variants: SchemaVariant[] }>();

  /**
   * Validates objects of the kind a CustomResourceDefinition defines (Flagger's Canary, Argo Rollouts'
   * Rollout, a team's own) against its served versions' schemas from now on. Kinds of the pinned
   * bundles keep their pinned schemas.
   */
  public addCustomResourceDefinition(crd: Manifest): void {
    const spec = crd.object.spec;
    const group = spec?.group;
    const kind = spec?.names?.kind;
    if (typeof group !== 'string' || typeof kind !== 'string' || !Array.isArray(spec.versions) || kindSchema(group, kind)) {
      return;
    }
    const variants = spec.versions
      .filter((v: any) => v?.served !== false && v?.schema?.openAPIV3Schema)
      .map((v: any) => ({
        versions: [String(v.name)], schema: v.schema.openAPIV3Schema, statusSubresource: Boolean(v.subresources?.status),
        specReplicasPath: typeof v.subresources?.scale?.specReplicasPath === 'string' ? v.subresources.scale.specReplicasPath : undefined,
      }));
    this.custom.set(`${group}/${kind}`, { crd, variants });
  }

  /** Findings for an object of a kind a CustomResourceDefinition given to `addCustomResourceDefinition` defines, else `undefined`. */
  public validateCustom(manifest: Manifest): Finding[] | undefined {
    const entry = this.custom.get(`${manifest.group}/${manifest.kind}`);
    if (!entry) {
      return undefined;
    }
    const version = manifest.apiVersion.split('/')[1];
    const index = entry.variants.findIndex(v => v.versions.includes(version));
    if (index < 0) {
      return [manifest.finding(CODES.unknownKind, `unknown ${manifest.group} kind or version '${manifest.apiVersion}, Kind=${manifest.kind}' `
        + `(served versions of CustomResourceDefinition ${entry.crd.name}: ${entry.variants.flatMap(v => v.versions).map(v => `${manifest.group}/${v}`).join(', ')})`, ['apiVersion'])];
    }
    const key = `custom:${manifest.group}/${manifest.kind}/${version}`;
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.compile(entry.variants[index]);
      this.validators.set(key, validate);
    }
    return this.findings(manifest, validate, entry.variants[index]);
  }

  /** The schema of the object's group, kind and version, if a pinned bundle serves it. */
  public variantOf(manifest: Manifest): { id: string; variant: SchemaVariant } | undefined {
    const entry = kindSchema(manifest.group, manifest.kind);
    const version = manifest.apiVersion.split('/')[1];
    const index = entry?.variants.findIndex(v => v.versions.includes(version)) ?? -1;
    return entry && index >= 0 ? { id: validatorId(entry, index), variant: entry.variants[index] } : undefined;
  }

  /** Whether `apiVersion`/`kind` name a kind and version that a pinned bundle serves. */
  public knows(manifest: Manifest): boolean {
    return this.variantOf(manifest) !== undefined;
  }

  /** Findings for a Kubernetes core object whose fields the checks read (a partial schema), else none. */
  public validateCore(manifest: Manifest): Finding[] {
    const key = `${manifest.group}/${manifest.kind}`;
    const schema = CORE_SCHEMAS[key];
    if (!schema) {
      return [];
    }
    let validate = this.validators.get(`core:${key}`);
    if (!validate) {
      if (this.precompiled) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- the generated validators are plain JS, one file per kind
        validate = require(generated(coreValidatorId(key))) as ValidateFunction;
      } else {
        validate = this.compiler().compile(schema);
      }
      this.validators.set(`core:${key}`, validate);
    }
    return validate(manifest.object) ? [] : readableErrors(validate.errors ?? []).map(e => toFinding(manifest, e));
  }

  /** Findings for an object: unknown kind or version, schema violations and CEL rule violations. */
  public validate(manifest: Manifest): Finding[] {
    const found = this.variantOf(manifest);
    if (!found) {
      return [unknownKind(manifest)];
    }
    return this.findings(manifest, this.validatorFor(found.id, found.variant), found.variant);
  }

  private findings(manifest: Manifest, validate: ValidateFunction, variant: SchemaVariant): Finding[] {
    // the API server validates what it would store: defaults applied, `status` dropped where it is a subresource
    const object = withDefaults(variant.schema, withoutIgnoredStatus(manifest.object, variant));
    const schemaFindings = validate(object) ? [] : readableErrors(validate.errors ?? []).map(e => toFinding(manifest, e));
    const formatFindings = formatViolations(variant.schema, object).map(v => manifest.finding(CODES.schema, `${prefix(v.path)}${v.message}`, v.path));
    const scaleFindings = replicasViolations(manifest, object, variant);
    const celFindings = celViolationsOfDefaulted(variant.schema, object).map(v =>
      manifest.finding(v.evaluated ? CODES.cel : CODES.celNotEvaluated, `${prefix(v.path)}${v.message}`, v.path));
    return [...schemaFindings, ...formatFindings, ...scaleFindings, ...celFindings];
  }

  private validatorFor(id: string, variant: SchemaVariant): ValidateFunction {
    let validate = this.validators.get(id);
    if (!validate) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the generated validators are plain JS, one file per kind
      validate = this.precompiled ? require(generated(id)) as ValidateFunction : this.compile(variant);
      this.validators.set(id, validate);
    }
    return validate;
  }

  private compiler(): Ajv {
    this.ajv ??= newAjv();
    return this.ajv;
  }

  private compile(variant: SchemaVariant): ValidateFunction {
    this.ajv ??= newAjv();
    return this.ajv.compile(objectSchema(variant.schema));
  }
}

/** With a scale subresource, the API server requires the replicas field to be a non-negative integer. */
function replicasViolations(manifest: Manifest, object: any, variant: SchemaVariant): Finding[] {
  if (!variant.specReplicasPath) return [];
  const path = variant.specReplicasPath.replace(/^\./, '').split('.');
  const value = path.reduce((o: any, k) => (o && typeof o === 'object' ? o[k] : undefined), object);
  if (value === undefined || value === null || (Number.isInteger(value) && value >= 0)) return [];
  return [manifest.finding(CODES.schema, `${variant.specReplicasPath}: invalid value ${JSON.stringify(value)}: should be a non-negative integer (the scale subresource's replicas)`, path)];
}

/** The object as the API server validates it: with a status subresource, the main resource ignores `status`. */
function withoutIgnoredStatus(object: any, variant: SchemaVariant): any {
  if (!object || typeof object !== 'object' || !('status' in object)) return object;
  if (!(variant.statusSubresource ?? Boolean(variant.schema?.properties?.status))) return object;
  const { status: _status, ...rest } = object;
  return rest;
}

/** ajv itself is loaded only when a schema must be compiled: precompiled validators need its runtime alone. */
function newAjv(): Ajv {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand, a tenth of a command's start-up
  const { default: AjvClass } = require('ajv') as { default: typeof Ajv };
  return new AjvClass(AJV_OPTIONS);
}

/**
 * A generated module, beside this one (build/lib/analyze/schema/generated/) or beside the analyzer's
 * bundle (build/analyzer/generated/): a path the bundler leaves alone, so validators load on demand.
 */
function generated(name: string): string {
  return path.join(__dirname, 'generated', `${name}.js`);
}

function hasPrecompiled(): boolean {
  // the build generates them from the table it ships with; a test holds the repository's to its table
  // (their fingerprint), so the run-time check is only that they exist
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(generated('index'));
    return true;
  } catch {
    return false; // not generated (install scripts skipped): compile on demand
  }
}

function unknownKind(manifest: Manifest): Finding {
  const entry = kindSchema(manifest.group, manifest.kind);
  const allowed = entry
    ? `served versions: ${entry.variants.flatMap(v => v.versions).map(v => `${entry.group}/${v}`).join(', ')}`
    : `kinds of ${manifest.group}: ${Object.values(KINDS).filter(k => k.group === manifest.group).map(k => k.kind).join(', ')}`;
  return manifest.finding(CODES.unknownKind, `unknown ${manifest.group} kind or version '${manifest.apiVersion}, Kind=${manifest.kind}' (${allowed})`, ['apiVersion']);
}

/**
 * Keeps the errors a person can act on. Failures inside `oneOf`/`anyOf`/`not` branches only explain
 * why a branch did not match; the `oneOf` error itself says which fields are mutually exclusive.
 */
function readableErrors(errors: ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>();
  return errors
    .filter(e => !/\/(oneOf|anyOf|not)\//.test(e.schemaPath))
    .filter(e => {
      const key = `${e.instancePath}|${e.keyword}|${e.message}`;
      return seen.has(key) ? false : (seen.add(key), true);
    });
}

function toFinding(manifest: Manifest, error: ErrorObject): Finding {
  const path = error.instancePath.split('/').slice(1).map(p => /^\d+$/.test(p) ? Number(p) : p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const where = prefix(path);
  switch (error.keyword) {
    case 'additionalProperties': {
      const field = (error.params as any).additionalProperty;
      return manifest.finding(CODES.schema, `${jsonPath([...path, field])}: unknown field '${field}' (kubectl rejects it)`, [...path, field]);
    }
    case 'oneOf': {
      const branches: string[][] = ((error.parentSchema as any)?.oneOf ?? []).map((b: any) => b.required ?? []);
      if (branches.some(b => b.length > 1)) {
        // branches of several fields each (Flagger's analysis: interval, threshold and one of iterations, stepWeight, stepWeights)
        const matched = (error.params as any).passingSchemas;
        return manifest.finding(CODES.schema, `${where}must have the fields of exactly one of ${branches.map(b => `{${b.join(', ')}}`).join(', ')}, `
          + `got ${Array.isArray(matched) ? `the fields of ${matched.length}` : 'those of none'}`, path);
      }
      const fields = branches.flat();
      const present = Object.keys(error.data ?? {}).filter(k => fields.includes(k));
      return manifest.finding(CODES.schema, present.length > 1
        ? `${where}at most one of ${fields.join(', ')} may be set, got ${present.join(' and ')}`
        : `${where}must set exactly one of ${fields.join(', ')}`, path);
    }
    case 'anyOf':
      return manifest.finding(CODES.schema, `${where}must be an integer or a string`, path);
    case 'enum':
      return manifest.finding(CODES.schema, `${where}unsupported value ${JSON.stringify(error.data)} (allowed: ${(error.params as any).allowedValues.join(', ')})`, path);
    case 'type':
      return manifest.finding(CODES.schema, `${where}${error.message}${unquoted((error.params as any).type, error.data)}`, path);
    default:
      return manifest.finding(CODES.schema, `${where}${error.message}`, path);
  }
}

/** Why a string field holds a boolean or a number: the value was written unquoted (read/scalars.ts). */
function unquoted(expected: string | string[], data: unknown): string {
  if (![expected].flat().includes('string')) return '';
  if (typeof data === 'boolean') {
    return `, got ${data}: kubectl reads an unquoted ${data ? 'y, yes, on or true' : 'n, no, off or false'} as a boolean (YAML 1.1); quote the value`;
  }
  if (typeof data === 'number') {
    return `, got ${data}: kubectl reads an unquoted number as a number (0777 as octal 511, 1_000 as 1000); quote the value`;
  }
  return '';
}

function prefix(path: (string | number)[]): string {
  return path.length === 0 ? '' : `${jsonPath(path)}: `;
}
