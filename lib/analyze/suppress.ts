import { CHECKS } from './catalogue';
import { Finding } from './finding';
import { Manifest } from './read/manifest';

/** The annotation istioctl reads on an object: codes whose findings on it are suppressed (`*`: all). */
export const SUPPRESS_ANNOTATION = 'galley.istio.io/analyze-suppress';

/**
 * Findings a user has chosen not to see, as istioctl's `--suppress`: a code (`CI228`, or the istioctl
 * code it mirrors, `IST0128`), optionally for one object (`CI228=DestinationRule api.*`, the name with
 * `.namespace` and `*` as a wildcard).
 */
export class Suppressions {
  /** Parses `--suppress` rules; throws naming the rule and the form when one is malformed. */
  public static parse(rules: readonly string[]): Suppressions {
    return new Suppressions(rules.map(rule => {
      const match = /^([A-Z]+[0-9]+)(?:=(\S+) (\S+))?$/.exec(rule.trim());
      if (!match) {
        throw new Error(`suppression '${rule}' must be CODE or CODE=Kind name[.namespace] (name and namespace may hold *), e.g. CI228 or "CI228=DestinationRule api.shop"`);
      }
      const [, code, kind, target] = match;
      const codes = codesOf(code);
      if (codes.length === 0) {
        throw new Error(`suppression '${rule}' names code ${code}, which no check has (see --checks)`);
      }
      return { codes, kind, target: target === undefined ? undefined : glob(target.includes('.') ? target : `${target}.*`) };
    }));
  }

  private constructor(private readonly rules: ReadonlyArray<{ codes: string[]; kind?: string; target?: RegExp }>) {}

  /** The findings no rule and no annotation on their object suppresses. */
  public apply(findings: readonly Finding[], manifests: readonly Manifest[]): Finding[] {
    const annotated = new Map<string, string[]>();
    for (const m of manifests) {
      const value = m.object.metadata?.annotations?.[SUPPRESS_ANNOTATION];
      if (typeof value === 'string') {
        annotated.set(m.id, value.split(',').map(c => c.trim()).flatMap(c => (c === '*' ? ['*'] : codesOf(c))));
      }
    }
    if (this.rules.length === 0 && annotated.size === 0) {
      return [...findings];
    }
    return findings.filter(f => {
      const onObject = annotated.get(f.object);
      if (onObject && (onObject.includes('*') || onObject.includes(f.code))) {
        return false;
      }
      const [kind, namespace, name] = f.object.split('/');
      return !this.rules.some(r => r.codes.includes(f.code) && (r.kind === undefined || (r.kind === kind && r.target!.test(`${name}.${namespace}`))));
    });
  }
}

/** Our codes for a code: itself, or those of the checks that mirror an istioctl code. */
function codesOf(code: string): string[] {
  const checks = Object.values(CHECKS);
  if (checks.some(c => c.code === code)) {
    return [code];
  }
  return checks.filter(c => c.mirrors.split(/,\s*/).includes(code)).map(c => c.code);
}

function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}
