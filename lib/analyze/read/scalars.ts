import * as jsyaml from 'js-yaml';

/**
 * Plain scalars as kubectl reads them. kubectl and the API server decode YAML with go-yaml v2 (through
 * sigs.k8s.io/yaml), which follows YAML 1.1: `yes`, `no`, `on`, `off`, `y`, `n` are booleans, `0777` is
 * octal, `1_000` is a thousand. Read as YAML 1.2 instead, `hosts: [on]` is a host named "on" to us and
 * `true` to the API server, which rejects it; `enabled: no` on a boolean field is a type error to us and
 * `false` to the API server. So values are resolved as go-yaml v2 resolves them (resolve.go): the
 * analyzer sees the object the cluster would get.
 */

const NULL = new Set(['', '~', 'null', 'Null', 'NULL']);
const TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);

const nul = new jsyaml.Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (data: string | null) => data === null || NULL.has(data),
  construct: () => null,
  predicate: (value: unknown) => value === null,
});

const bool = new jsyaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && (TRUE.has(data) || FALSE.has(data)),
  construct: (data: string) => TRUE.has(data),
  predicate: (value: unknown) => typeof value === 'boolean',
});

/** What Go's strconv.ParseInt(s, 0, 64) accepts once go-yaml has removed the underscores. */
const INT = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;

/** go-yaml tries numbers only on scalars that start like one. */
const numeric = (data: string) => /^[-+.0-9]/.test(data);

const int = new jsyaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && numeric(data) && INT.test(data.replace(/_/g, '')),
  construct: (data: string) => {
    const plain = data.replace(/_/g, '');
    const sign = plain.startsWith('-') ? -1 : 1;
    const digits = plain.replace(/^[-+]/, '');
    const prefixed = /^0([xob])/i.exec(digits);
    if (prefixed) return sign * parseInt(digits.slice(2), { x: 16, o: 8, b: 2 }[prefixed[1].toLowerCase() as 'x' | 'o' | 'b']);
    // a leading zero is octal, as in Go
    return sign * parseInt(digits, /^0[0-7]/.test(digits) ? 8 : 10);
  },
  predicate: (value: unknown) => typeof value === 'number' && Number.isInteger(value),
});

/** go-yaml's yamlStyleFloat, after underscores are removed; `.inf` and `.nan` as js-yaml reads them. */
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const SPECIAL_FLOAT = /^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

const float = new jsyaml.Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && (SPECIAL_FLOAT.test(data) || numeric(data) && FLOAT.test(data.replace(/_/g, ''))),
  construct: (data: string) => {
    if (/nan/i.test(data)) return NaN;
    if (/inf/i.test(data)) return data.startsWith('-') ? -Infinity : Infinity;
    return parseFloat(data.replace(/_/g, ''));
  },
  predicate: (value: unknown) => typeof value === 'number',
});

/** js-yaml's schema for manifests: YAML 1.1's scalars, as kubectl resolves them. */
export const KUBECTL_SCHEMA = jsyaml.FAILSAFE_SCHEMA.extend({ implicit: [nul, bool, int, float] });

/**
 * The full parser's options for the same reading (it parses what js-yaml refuses): its YAML 1.1 schema,
 * without the timestamps and base-60 numbers go-yaml leaves as strings, and with Go's `0o` octal.
 */
export const KUBECTL_YAML_OPTIONS = {
  version: '1.1' as const,
  customTags: (tags: any[]) => [
    ...tags.filter(t => t.tag !== 'tag:yaml.org,2002:timestamp' && t.format !== 'TIME'),
    {
      tag: 'tag:yaml.org,2002:int', format: 'OCT', default: true,
      identify: (value: unknown) => typeof value === 'number' && Number.isInteger(value),
      test: /^[-+]?0o[0-7_]+$/,
      resolve: (s: string) => (s.startsWith('-') ? -1 : 1) * parseInt(s.replace(/_/g, '').replace(/^[-+]?0o/, ''), 8),
    },
  ],
};
