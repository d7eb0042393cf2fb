import { Manifest } from '../read/manifest';
import { objects } from '../read/values';

// Gateway API HTTPRoutes read as the VirtualService `http` routes istiod translates them to
// (pilot/pkg/config/kube/gateway/conversion.go in istio 1.30.3), so `explain` and `diff` describe both
// API families with one route model: one route per match, ordered as istiod orders them, backend
// weights as shares, `retry` and `timeouts` as istiod maps them.

/** A Service a route attaches to for mesh (east-west) traffic: a `parentRef` of kind Service. */
export interface ServiceParent {
  readonly name: string;
  readonly namespace: string;
}

/** The Services an HTTPRoute attaches to as mesh routes (GAMMA): parentRefs of group `''` and kind Service. */
export function serviceParents(route: Manifest): ServiceParent[] {
  return objects(route.object.spec?.parentRefs)
    .filter(p => p.kind === 'Service' && (p.group === '' || p.group === 'core') && typeof p.name === 'string')
    .map(p => ({ name: p.name, namespace: typeof p.namespace === 'string' ? p.namespace : route.namespace }));
}

const PATH_MATCH: Record<string, string> = { Exact: 'exact', PathPrefix: 'prefix', RegularExpression: 'regex' };
const VALUE_MATCH: Record<string, string> = { Exact: 'exact', RegularExpression: 'regex' };

function stringMatch(kinds: Record<string, string>, type: unknown, value: unknown): Record<string, unknown> {
  return { [kinds[typeof type === 'string' ? type : 'Exact'] ?? String(type)]: value };
}

function byName(items: unknown, kinds: Record<string, string>, lowercase: boolean): Record<string, unknown> | undefined {
  const list = objects(items).filter(i => typeof i.name === 'string');
  return list.length === 0 ? undefined
    : Object.fromEntries(list.map(i => [lowercase ? i.name.toLowerCase() : i.name, stringMatch(kinds, i.type, i.value)]));
}

/** An HTTPRoute match as a VirtualService match. */
function asIstioMatch(m: any): Record<string, unknown> {
  const match: Record<string, unknown> = {};
  if (m.path) match.uri = stringMatch(PATH_MATCH, m.path.type ?? 'PathPrefix', m.path.value ?? '/');
  const headers = byName(m.headers, VALUE_MATCH, true);
  if (headers) match.headers = headers;
  const query = byName(m.queryParams, VALUE_MATCH, false);
  if (query) match.queryParams = query;
  if (typeof m.method === 'string') match.method = { exact: m.method };
  return match;
}

/** A backendRef as a VirtualService destination: the Service by short name in the route's namespace. */
function asDestination(ref: any, namespace: string): Record<string, unknown> {
  const inOther = typeof ref.namespace === 'string' && ref.namespace !== namespace;
  return { host: inOther ? `${ref.name}.${ref.namespace}.svc.cluster.local` : ref.name, port: ref.port !== undefined ? { number: ref.port } : undefined };
}

/** Weights as shares of 100, as the route model reads VirtualService weights (Gateway API weights are relative, default 1). */
function shares(refs: any[]): number[] {
  const weights = refs.map(r => (typeof r.weight === 'number' ? r.weight : 1));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map(w => (total === 0 ? 0 : Math.round((w / total) * 10000) / 100));
}

/** The behaviour istiod gives every route of a rule: retries, timeouts, redirect, rewrite, header changes and the first mirror. */
function behaviourOf(rule: any, namespace: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (rule.retry && typeof rule.retry === 'object') {
    const attempts = typeof rule.retry.attempts === 'number' ? rule.retry.attempts : 2;
    const retryOn = ['connect-failure', 'refused-stream', 'unavailable', 'cancelled', ...(Array.isArray(rule.retry.codes) ? rule.retry.codes.map(String) : [])];
    out.retries = { attempts, retryOn: attempts === 0 ? undefined : retryOn.join(',') };
  }
  const timeouts = rule.timeouts ?? {};
  if (typeof timeouts.request === 'string') out.timeout = timeouts.request;
  if (typeof timeouts.backendRequest === 'string') {
    if (out.retries) (out.retries as any).perTryTimeout = timeouts.backendRequest;
    else out.timeout = timeouts.backendRequest;
  }
  const redirect = objects(rule.filters).find(f => f.type === 'RequestRedirect' && f.requestRedirect)?.requestRedirect;
  if (redirect) {
    const path = redirect.path ?? {};
    out.redirect = {
      scheme: redirect.scheme, authority: redirect.hostname, redirectPort: redirect.port, redirectCode: redirect.statusCode,
      uri: path.type === 'ReplaceFullPath' ? path.replaceFullPath : path.type === 'ReplacePrefixMatch' ? `%PREFIX()%${path.replacePrefixMatch}` : undefined,
    };
  }
  const rewrite = objects(rule.filters).find(f => f.type === 'URLRewrite' && f.urlRewrite)?.urlRewrite;
  if (rewrite) {
    const path = rewrite.path ?? {};
    out.rewrite = {
      authority: rewrite.hostname,
      uri: path.type === 'ReplacePrefixMatch' ? path.replacePrefixMatch : undefined,
      uriRegexRewrite: path.type === 'ReplaceFullPath' ? { match: '/.*', rewrite: path.replaceFullPath } : undefined,
    };
  }
  const headerFilter = (type: string, key: string) => {
    const filter = objects(rule.filters).find(f => f.type === type && f[key])?.[key];
    const byName = (list: unknown) => {
      const items = objects(list).filter(h => typeof h.name === 'string');
      return items.length > 0 ? Object.fromEntries(items.map(h => [h.name, h.value])) : undefined;
    };
    return filter && { set: byName(filter.set), add: byName(filter.add), remove: Array.isArray(filter.remove) ? filter.remove : undefined };
  };
  const request = headerFilter('RequestHeaderModifier', 'requestHeaderModifier');
  const response = headerFilter('ResponseHeaderModifier', 'responseHeaderModifier');
  if (request || response) out.headers = { request, response };
  const mirror = objects(rule.filters).find(f => f.type === 'RequestMirror' && f.requestMirror?.backendRef)?.requestMirror;
  if (mirror) {
    out.mirror = asDestination(mirror.backendRef, namespace);
    const fraction = mirror.fraction;
    const percent = typeof mirror.percent === 'number' ? mirror.percent
      : fraction && typeof fraction.numerator === 'number' ? (fraction.numerator / (fraction.denominator ?? 100)) * 100 : undefined;
    if (percent !== undefined) out.mirrorPercentage = { value: percent };
  }
  return out;
}

function isCatchAll(match: Record<string, any>): boolean {
  return Object.keys(match).length === 1 && match.uri?.prefix === '/';
}

function uriRank(match: any): number {
  const uri = match?.uri;
  return uri?.exact !== undefined ? 3 : uri?.prefix !== undefined ? 2 : uri?.regex !== undefined ? 1 : -1;
}

function uriLength(match: any): number {
  const uri = match?.uri ?? {};
  return String(uri.exact ?? uri.prefix ?? uri.regex ?? '').length;
}

/** istiod's order of the routes it makes from HTTPRoutes (sortHTTPRoutes): most specific match first, catch-alls last. */
function compareRoutes(a: any, b: any): number {
  const [m1, m2] = [a.match?.[0], b.match?.[0]];
  if (!m1 || !m2) return (m1 ? 0 : 1) - (m2 ? 0 : 1);
  const rank = uriRank(m2) - uriRank(m1);
  if (rank !== 0) return rank;
  const length = uriLength(m2) - uriLength(m1);
  if (length !== 0) return length;
  if ((m1.method === undefined) !== (m2.method === undefined)) return m1.method !== undefined ? -1 : 1;
  const headers = Object.keys(m2.headers ?? {}).length - Object.keys(m1.headers ?? {}).length;
  if (headers !== 0) return headers;
  return Object.keys(m2.queryParams ?? {}).length - Object.keys(m1.queryParams ?? {}).length;
}

/**
 * The VirtualService `http` routes istiod makes from the rules of `routes` (all attached to one Service):
 * one per match, each with the rule's backends, retries, timeouts and mirror, in istiod's order.
 * Routes are taken in `namespace/name` order, as istiod breaks ties between routes of equal age.
 */
export function asIstioHttpRoutes(routes: readonly Manifest[]): any[] {
  const ordered = [...routes].sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
  const http = ordered.flatMap(route => objects(route.object.spec?.rules).flatMap(rule => {
    const refs = objects(rule.backendRefs).filter(r => (r.kind ?? 'Service') === 'Service' && typeof r.name === 'string');
    const weights = shares(refs);
    const behaviour = behaviourOf(rule, route.namespace);
    // istiod answers a rule without backends (or with every weight 0) itself, unless it redirects
    const answered = behaviour.redirect || refs.some(r => (typeof r.weight === 'number' ? r.weight : 1) > 0) ? {} : { directResponse: { status: refs.length === 0 ? 404 : 500 } };
    const base = { route: refs.map((r, i) => ({ destination: asDestination(r, route.namespace), weight: weights[i] })), ...behaviour, ...answered };
    // the API server defaults a rule without matches to PathPrefix /: both are the catch-all route
    const matches = objects(rule.matches).map(asIstioMatch);
    return matches.length === 0 ? [base] : matches.map(m => (isCatchAll(m) ? base : { match: [m], ...base }));
  }));
  return http.sort(compareRoutes);
}

