import { Manifest } from '../read/manifest';
import { objects, strings } from '../read/values';
import { Mesh } from './mesh';
import { exportedTo, exportToOf } from './visibility';

// How istiod merges delegate VirtualServices into the routes of their root (pilot's MergeHTTPRoutes,
// Istio 1.30): a root route that names a `delegate` is replaced by the delegate's routes, each match
// narrowed by the root's (a delegate match that conflicts with every root match drops that route), and
// the root's timeout, retries, fault, mirror, rewrite, CORS and headers filling what the delegate leaves
// unset. A delegate that is missing, or not exported to the root's namespace, drops the root route.

/** The HTTP routes of `vs` as istiod programs them: delegates merged in; hosts of a delegate's destinations fully qualified in its namespace. */
export function mergedHttpRoutes(mesh: Mesh, vs: Manifest): any[] {
  const routes = objects(vs.object.spec?.http);
  if (!routes.some(r => r.delegate)) return routes;
  return routes.flatMap(root => {
    if (!root.delegate || typeof root.delegate !== 'object') return [root];
    const namespace = typeof root.delegate.namespace === 'string' && root.delegate.namespace !== '' ? root.delegate.namespace : vs.namespace;
    const delegate = mesh.virtualServices.find(d => d.namespace === namespace && d.name === root.delegate.name && strings(d.object.spec?.hosts).length === 0);
    if (!delegate || !exportedTo(exportToOf(delegate), delegate.namespace, vs.namespace)) return [];
    return objects(delegate.object.spec?.http).flatMap(child => {
      const merged = mergeRoute(root, qualified(mesh, child, namespace));
      return merged ? [merged] : [];
    });
  });
}

/** A delegate's short destination hosts name Services of its own namespace. */
function qualified(mesh: Mesh, route: any, namespace: string): any {
  const fq = (d: any) => d && typeof d.host === 'string' ? { ...d, host: mesh.fqdn(d.host, namespace) } : d;
  return {
    ...route,
    ...Array.isArray(route.route) ? { route: route.route.map((r: any) => r && typeof r === 'object' ? { ...r, destination: fq(r.destination) } : r) } : {},
    ...route.mirror ? { mirror: fq(route.mirror) } : {},
  };
}

const INHERITED = ['rewrite', 'directResponse', 'timeout', 'retries', 'fault', 'mirror', 'mirrorPercent', 'mirrorPercentage', 'corsPolicy', 'mirrors', 'headers'];

function mergeRoute(root: any, child: any): any | undefined {
  const match = mergeMatches(objects(root.match), objects(child.match));
  if (match === undefined) return undefined;
  const { delegate: _delegate, ...rootFields } = root;
  const out: any = { ...child, ...match.length > 0 ? { match } : {} };
  if (match.length === 0) delete out.match;
  out.name = child.name ? (rootFields.name ? `${rootFields.name}-${child.name}` : child.name) : rootFields.name;
  if (out.name === undefined) delete out.name;
  for (const key of INHERITED) {
    if (out[key] === undefined && rootFields[key] !== undefined) out[key] = rootFields[key];
  }
  return out;
}

/** The delegate's matches narrowed by the root's; undefined when one of them fits no root match. */
function mergeMatches(root: any[], delegate: any[]): any[] | undefined {
  if (root.length === 0) return delegate;
  if (delegate.length === 0) return root;
  const out: any[] = [];
  for (const sub of delegate) {
    const fits = root.filter(r => !conflicts(r, sub));
    if (fits.length === 0) return undefined;
    out.push(...fits.map(r => mergeMatch(r, sub)));
  }
  return out;
}

function mergeMatch(root: any, sub: any): any {
  const out: any = { ...sub };
  out.name = sub.name ? (root.name ? `${root.name}-${sub.name}` : sub.name) : root.name;
  if (out.name === undefined) delete out.name;
  for (const key of ['uri', 'scheme', 'method', 'authority', 'port', 'sourceNamespace', 'gateways', 'statPrefix']) {
    const empty = out[key] === undefined || (Array.isArray(out[key]) && out[key].length === 0);
    if (empty && root[key] !== undefined) out[key] = root[key];
  }
  for (const key of ['headers', 'withoutHeaders', 'queryParams', 'sourceLabels']) {
    if (root[key] || sub[key]) out[key] = { ...root[key] ?? {}, ...sub[key] ?? {} };
  }
  return out;
}

function conflicts(root: any, leaf: any): boolean {
  for (const key of ['uri', 'scheme', 'method', 'authority']) {
    if (stringConflict(root[key], leaf[key])) return true;
  }
  for (const key of ['headers', 'withoutHeaders', 'queryParams']) {
    for (const [name, value] of Object.entries(leaf[key] ?? {})) {
      if (stringConflict(root[key]?.[name], value)) return true;
    }
  }
  if (Boolean(root.ignoreUriCase) !== Boolean(leaf.ignoreUriCase)) return true;
  if (root.port > 0 && leaf.port > 0 && root.port !== leaf.port) return true;
  if (root.sourceNamespace && leaf.sourceNamespace !== root.sourceNamespace) return true;
  for (const [k, v] of Object.entries(leaf.sourceLabels ?? {})) {
    if (root.sourceLabels && k in root.sourceLabels && root.sourceLabels[k] !== v) return true;
  }
  const rootGateways = strings(root.gateways);
  const leafGateways = strings(leaf.gateways);
  if (rootGateways.length > 0 && leafGateways.length > 0 && leafGateways.some(g => !rootGateways.includes(g))) return true;
  return false;
}

/** pilot's stringMatchConflict: a delegate's match must narrow the root's (an exact within a prefix, a longer prefix). */
function stringConflict(root: any, leaf: any): boolean {
  if (!root || !leaf) return false;
  if (root.regex && (leaf.regex || leaf.prefix || leaf.exact)) return true;
  if (leaf.regex && (root.regex || root.prefix || root.exact)) return true;
  if (root.exact) return Boolean(leaf.prefix) || leaf.exact !== root.exact;
  if (root.prefix) {
    if (leaf.prefix) return !String(leaf.prefix).startsWith(root.prefix);
    if (leaf.exact) return !String(leaf.exact).startsWith(root.prefix);
  }
  return true;
}
