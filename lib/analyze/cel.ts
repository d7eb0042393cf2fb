import { Environment } from '@marcbachmann/cel-js';

/** The outcome of evaluating one rule: it held, it failed, or it could not be evaluated. */
export type CelOutcome = { readonly result: boolean } | { readonly error: string };

/** A compiled rule, reusable across objects. */
export type CelProgram = (self: unknown) => CelOutcome;

/**
 * Kubernetes' URL library (`isURL`, `url`, `getScheme`), which Istio's WasmPlugin and RequestAuthentication
 * rules call. Other Kubernetes libraries are not used by this bundle.
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

function kubernetesEnvironment(): Environment {
  return new Environment({ unlistedVariablesAreDyn: true })
    .registerType('URL', KubernetesUrl)
    .registerFunction('isURL(string): bool', (s: string) => parseUrl(s) !== undefined)
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

function makeProgram(rule: string): CelProgram {
  environment ??= kubernetesEnvironment();
  let parsed: (context: Record<string, unknown>) => unknown;
  try {
    parsed = environment.parse(rule) as unknown as (context: Record<string, unknown>) => unknown;
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
      return message.includes(RUNTIME_ERROR) ? { result: false } : { error: message.split('\n')[0] };
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
 * Evaluates every `x-kubernetes-validations` rule of `schema` on `data`, as the API server does:
 * each rule on each field that is present, with the field as `self`.
 */
export function celViolations(schema: any, data: unknown, path: (string | number)[] = []): CelViolation[] {
  if (data === undefined || data === null || !schema) {
    return [];
  }
  const found: CelViolation[] = [];
  for (const { rule, message } of schema['x-kubernetes-validations'] ?? []) {
    const outcome = compileCel(rule)(data);
    if ('error' in outcome) {
      found.push({ path, rule, evaluated: false, message: `rule \`${rule}\` could not be evaluated: ${outcome.error}` });
    } else if (!outcome.result) {
      found.push({ path, rule, evaluated: true, message: message ?? `failed rule: ${rule}` });
    }
  }
  if (Array.isArray(data)) {
    data.forEach((item, i) => found.push(...celViolations(schema.items, item, [...path, i])));
  } else if (typeof data === 'object') {
    for (const [key, value] of Object.entries(data as object)) {
      const child = schema.properties?.[key] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      found.push(...celViolations(child, value, [...path, key]));
    }
  }
  return found;
}
