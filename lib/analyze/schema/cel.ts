import type { Environment } from '@marcbachmann/cel-js';

/** The outcome of evaluating one rule: it held, it failed, or it could not be evaluated. */
export type CelOutcome = { readonly result: boolean } | { readonly error: string };

/** A compiled rule, reusable across objects. */
export type CelProgram = (self: unknown) => CelOutcome;

/**
 * Kubernetes' URL library (`isURL`, `url`, `getScheme`), which Istio's WasmPlugin and RequestAuthentication
 * rules call, and `isIP` of its IP library, which the Gateway API's rules call. The bundles use no other.
 *
 * @see https://kubernetes.io/docs/reference/using-api/cel/#kubernetes-url-library
 */
/**
 * Marks errors that Kubernetes' own CEL functions raise (`url('not a url')`): the API server rejects
 * the object when they happen, so they are rule failures, not rules we could not evaluate.
 */
const RUNTIME_ERROR = 'kubernetes cel runtime error: ';

class KubernetesUrl {
  public constructor(public readonly url: URL) {}
}

function parseUrl(value: string): URL | undefined {
  // Kubernetes parses with Go's url.ParseRequestURI: absolute URLs only, as WHATWG URL without a base.
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

// cel-js and net load on first use: most inputs have no CEL rule to evaluate, and a command's start-up is its cost
function kubernetesEnvironment(): Environment {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Environment: CelEnvironment } = require('@marcbachmann/cel-js') as typeof import('@marcbachmann/cel-js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { isIP } = require('net') as typeof import('net');
  return new CelEnvironment({ unlistedVariablesAreDyn: true })
    .registerType('URL', KubernetesUrl)
    .registerFunction('isURL(string): bool', (s: string) => parseUrl(s) !== undefined)
    // Kubernetes' IP library, which the Gateway API's hostname rules call
    .registerFunction('isIP(string): bool', (s: string) => isIP(s) !== 0)
    .registerFunction('url(string): URL', (s: string) => {
      const url = parseUrl(s);
      if (!url) {
        throw new Error(`${RUNTIME_ERROR}URL parse error: ${s}`);
      }
      return new KubernetesUrl(url);
    })
    .registerFunction({
      name: 'getScheme', receiverType: 'URL', returnType: 'string', params: [],
      handler: (u: KubernetesUrl) => u.url.protocol.replace(/:$/, ''),
    });
}

/** Errors that the data causes, as Kubernetes' CEL raises them too. */
const DATA_ERRORS = /^(No such key|Invalid duration|Invalid timestamp)/;

let environment: Environment | undefined;
const programs = new Map<string, CelProgram>();

/**
 * Compiles a CEL rule once; evaluation binds the value of the field the rule sits on as `self`.
 *
 * A rule that does not parse, or throws while evaluating (an unknown function, a type error), yields
 * an error outcome: it is reported as not evaluated, never counted as passing.
 */
export function compileCel(rule: string): CelProgram {
  let program = programs.get(rule);
  if (!program) {
    program = makeProgram(rule);
    programs.set(rule, program);
  }
  return program;
}

/**
 * `has(list[0].field)`: cel-js accepts `has()` on field selections of identifiers only; on a map, `has(e.f)`
 * is `'f' in e`, which it evaluates for any expression `e` (the Gateway API's HTTPRoute rules index lists).
 */
function portable(rule: string): string {
  return caselessRegexes(rule).replace(/has\(((?:self|[a-z]\w*)(?:\[\d+\]|\.\w+)*\[\d+\](?:\.\w+)*)\.(\w+)\)/g, (_, target, field) => `('${field}' in ${target})`);
}

/**
 * RE2's inline `(?i)` flag (the GRPCRoute rules use it), which JavaScript regular expressions lack,
 * written out as letter classes that match both cases.
 */
function caselessRegexes(rule: string): string {
  return rule.replace(/(\^?)\(\?i\)((?:[^"\\]|\\.)*)/g, (_, anchor: string, body: string) => anchor + caseless(body));
}

function caseless(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      out += c + (pattern[i + 1] ?? '');
      i++;
    } else if (c === '[' || c === ']') {
      inClass = c === '[';
      out += c;
    } else if (inClass && /[a-zA-Z]/.test(c) && pattern[i + 1] === '-' && /[a-zA-Z]/.test(pattern[i + 2] ?? '')) {
      const range = `${c}-${pattern[i + 2]}`;
      out += range + (c === c.toLowerCase() ? range.toUpperCase() : range.toLowerCase());
      i += 2;
    } else if (/[a-zA-Z]/.test(c)) {
      out += inClass ? c.toLowerCase() + c.toUpperCase() : `[${c.toLowerCase()}${c.toUpperCase()}]`;
    } else {
      out += c;
    }
  }
  return out;
}

function makeProgram(rule: string): CelProgram {
  environment ??= kubernetesEnvironment();
  let parsed: (context: Record<string, unknown>) => unknown;
  try {
    parsed = environment.parse(portable(rule)) as unknown as (context: Record<string, unknown>) => unknown;
  } catch (e) {
    const message = `does not parse: ${(e as Error).message.split('\n')[0]}`;
    return () => ({ error: message });
  }
  return self => {
    try {
      const result = parsed({ self });
      return typeof result === 'boolean' ? { result } : { error: `evaluates to ${typeof result}, not bool` };
    } catch (e) {
      const message = (e as Error).message;
      // the API server rejects an object whose rule hits a runtime error on its data (a field the rule
      // reads without has(), a string that is no duration): those are failures, not our limits
      return message.includes(RUNTIME_ERROR) || DATA_ERRORS.test(message) ? { result: false } : { error: message.split('\n')[0] };
    }
  };
}

/** A CEL rule that failed, or could not be evaluated, at a path of the object. */
export interface CelViolation {
  readonly path: (string | number)[];
  readonly rule: string;
  readonly message: string;
  readonly evaluated: boolean;
}

/**
 * Evaluates every `x-kubernetes-validations` rule of `schema` on `data`, as the API server does: with
 * the schema's defaults applied first, each rule on each field that is present, with the field as `self`.
 * Transition rules (`oldSelf`) compare an update with the stored object; offline there is none, so they
 * are not run, as the API server does not run them on create.
 */
export function celViolations(schema: any, data: unknown, path: (string | number)[] = []): CelViolation[] {
  return violations(schema, withDefaults(schema, data), path);
}

/** `celViolations` of data that has its defaults already (`withDefaults`): not copied again. */
export function celViolationsOfDefaulted(schema: any, data: unknown): CelViolation[] {
  return violations(schema, data, []);
}

function violations(schema: any, data: unknown, path: (string | number)[]): CelViolation[] {
  if (data === undefined || data === null || !schema || !summary(schema).rules) {
    return [];
  }
  const found: CelViolation[] = [];
  for (const { rule, message } of schema['x-kubernetes-validations'] ?? []) {
    if (/\boldSelf\b/.test(rule)) {
      continue;
    }
    const outcome = evaluate(rule, data);
    if ('error' in outcome) {
      found.push({ path, rule, evaluated: false, message: `rule \`${rule}\` could not be evaluated: ${outcome.error}` });
    } else if (!outcome.result) {
      found.push({ path, rule, evaluated: true, message: message ?? `failed rule: ${rule}` });
    }
  }
  if (Array.isArray(data)) {
    found.push(...duplicateItems(schema, data, path));
    data.forEach((item, i) => found.push(...violations(schema.items, item, [...path, i])));
  } else if (typeof data === 'object') {
    for (const [key, value] of Object.entries(data as object)) {
      found.push(...violations(childSchema(schema, key), value, [...path, key]));
    }
  }
  return found;
}

/**
 * `x-kubernetes-list-type: map` (items unique by `x-kubernetes-list-map-keys`) and `set` (unique items):
 * the API server rejects a duplicate as "Duplicate value". Reported with the CEL findings, as API server rules.
 */
function duplicateItems(schema: any, items: unknown[], path: (string | number)[]): CelViolation[] {
  const type = schema['x-kubernetes-list-type'];
  if (type !== 'map' && type !== 'set') {
    return [];
  }
  const keys: string[] = schema['x-kubernetes-list-map-keys'] ?? [];
  const seen = new Map<string, number>();
  const found: CelViolation[] = [];
  items.forEach((item, i) => {
    const key = JSON.stringify(type === 'map' && item && typeof item === 'object' ? keys.map(k => (item as any)[k]) : item);
    const first = seen.get(key);
    if (first !== undefined) {
      const what = type === 'map' ? keys.map(k => `${k}=${JSON.stringify((item as any)?.[k])}`).join(', ') : JSON.stringify(item);
      found.push({ path: [...path, i], rule: `x-kubernetes-list-type: ${type}`, evaluated: true, message: `Duplicate value: ${what} (also item ${first})` });
    } else {
      seen.set(key, i);
    }
  });
  return found;
}

function childSchema(schema: any, key: string): any {
  return schema?.properties?.[key] ?? (typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined);
}

/** What a schema node holds anywhere below it: CEL rules or list-type constraints, and `default`s. */
interface Summary {
  readonly rules: boolean;
  readonly defaults: boolean;
}

const summaries = new WeakMap<object, Summary>();

/**
 * Most of a schema holds no rule and no default: data under such a node is neither walked nor copied,
 * which is most of the cost of an object that has nothing to check.
 */
function summary(schema: any): Summary {
  let found = summaries.get(schema);
  if (!found) {
    let rules = schema['x-kubernetes-validations'] !== undefined || schema['x-kubernetes-list-type'] === 'map' || schema['x-kubernetes-list-type'] === 'set';
    let defaults = false;
    const below = [...Object.values<any>(schema.properties ?? {}), schema.items, schema.additionalProperties];
    for (const child of below) {
      if (child && typeof child === 'object') {
        const s = summary(child);
        rules ||= s.rules;
        defaults ||= s.defaults || child.default !== undefined;
      }
    }
    found = { rules, defaults };
    summaries.set(schema, found);
  }
  return found;
}

/** Outcomes of rules on scalars, by rule and value: a mesh repeats the same durations and hosts thousands of times. */
const scalarOutcomes = new Map<string, CelOutcome>();

function evaluate(rule: string, self: unknown): CelOutcome {
  if (typeof self !== 'string' && typeof self !== 'number' && typeof self !== 'boolean') {
    return compileCel(rule)(self);
  }
  const key = `${typeof self}:${String(self)}:${rule}`;
  let outcome = scalarOutcomes.get(key);
  if (!outcome) {
    outcome = compileCel(rule)(self);
    scalarOutcomes.set(key, outcome);
  }
  return outcome;
}

/** A copy of `data` with the schema's `default`s filled in where fields are absent, as the API server stores it. */
export function withDefaults(schema: any, data: unknown): unknown {
  if (!schema || data === null || data === undefined || !summary(schema).defaults) {
    return data;
  }
  if (Array.isArray(data)) {
    return schema.items ? data.map(item => withDefaults(schema.items, item)) : data;
  }
  if (typeof data !== 'object') {
    return data;
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data as object)) {
    out[key] = withDefaults(childSchema(schema, key), value);
  }
  for (const [key, property] of Object.entries<any>(schema.properties ?? {})) {
    if (out[key] === undefined && property.default !== undefined) {
      out[key] = withDefaults(property, JSON.parse(JSON.stringify(property.default)));
    }
  }
  return out;
}
