/**
 * How a string in a request is matched: exactly, by prefix, or by an RE2 regular expression.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#StringMatch
 */
export class StringMatch {
  /** Matches the exact string. */
  public static exact(value: string): StringMatch {
    return new StringMatch('exact', value);
  }

  /** Matches strings that start with `value`. */
  public static prefix(value: string): StringMatch {
    return new StringMatch('prefix', value);
  }

  /**
   * Matches strings against an RE2 regular expression (Envoy matches the whole string).
   *
   * @example StringMatch.regex('.*iPhone.*')
   */
  public static regex(pattern: string): StringMatch {
    try {
      new RegExp(pattern);
    } catch (e) {
      throw new Error(`'regex' must be a valid regular expression, got '${pattern}' (${(e as Error).message})`, { cause: e });
    }
    return new StringMatch('regex', pattern);
  }

  private constructor(
    /** `exact`, `prefix` or `regex`: the key Istio writes. */
    public readonly type: 'exact' | 'prefix' | 'regex',
    /** The string or pattern matched against. */
    public readonly value: string,
  ) {
    if (value.length === 0 && type !== 'prefix') {
      throw new Error(`'${type}' must not be empty`);
    }
  }
}

/**
 * A header condition of an `HttpMatch`.
 */
export interface HeaderMatch {
  /** Header name, lowercase. */
  readonly name: string;
  /** How its value is matched. */
  readonly value: StringMatch;
}

/**
 * One request match condition of an HTTP route; a route applies when any of its matches applies.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPMatchRequest
 */
export class HttpMatch {
  /**
   * Matches requests whose header `name` matches `value`.
   *
   * @param name header name in lowercase, as Istio requires (`user-agent`)
   * @example HttpMatch.header('user-agent', StringMatch.regex('.*iPhone.*'))
   */
  public static header(name: string, value: StringMatch): HttpMatch {
    if (!/^[a-z0-9-_]+$/.test(name)) {
      throw new Error(`header name must be lowercase letters, digits, '-' or '_' (Istio ignores other keys), got '${name}'`);
    }
    return new HttpMatch([{ name, value }]);
  }

  /** Matches requests whose path matches `value`; an exact path or a prefix starts with '/'. */
  public static uri(value: StringMatch): HttpMatch {
    if (value.type !== 'regex' && !value.value.startsWith('/')) {
      throw new Error(`uri ${value.type} must start with '/' (request paths do), got '${value.value}'`);
    }
    return new HttpMatch([], value);
  }

  /** Matches requests whose path starts with `prefix`. */
  public static uriPrefix(prefix: string): HttpMatch {
    return HttpMatch.uri(StringMatch.prefix(prefix));
  }

  /** Matches requests whose path is exactly `path`. */
  public static uriExact(path: string): HttpMatch {
    return HttpMatch.uri(StringMatch.exact(path));
  }

  private constructor(
    /** The header conditions, all of which must hold. */
    public readonly headers: HeaderMatch[],
    /** The path condition (`uri` in Istio's match; a static factory has that name). */
    public readonly uriMatch?: StringMatch,
  ) {}

  /** The conditions as messages print them: `header user-agent regex '.*iPhone.*'`. */
  public get description(): string {
    return [
      ...this.headers.map(h => `header ${h.name} ${h.value.type} '${h.value.value}'`),
      ...(this.uriMatch ? [`uri ${this.uriMatch.type} '${this.uriMatch.value}'`] : []),
    ].join(' and ');
  }
}
