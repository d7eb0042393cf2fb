import { Check, check, Finding, Severity } from '../finding';
import { Manifest } from '../read/manifest';
import { Mesh } from '../model/mesh';

/** The checks of this module, by name; lib/analyze/catalogue.ts lists every module's in code order. */
export const CODES = {
  envoyFilterRelative: check('CI235', Severity.WARNING, 'IST0151', 'EnvoyFilter relative patch operation without priority',
    'an EnvoyFilter without `priority` whose patch is relative (INSERT_BEFORE/AFTER, REPLACE, REMOVE): whether it applies depends on other filters; once per EnvoyFilter, as istioctl reports it'),
  envoyFilterReplaceInvalid: check('CI236', Severity.ERROR, 'IST0152', 'EnvoyFilter REPLACE on something other than HTTP_FILTER, NETWORK_FILTER, VIRTUAL_HOST',
    'an EnvoyFilter REPLACE on something other than HTTP_FILTER, NETWORK_FILTER or VIRTUAL_HOST'),
  envoyFilterAddIgnored: check('CI237', Severity.ERROR, 'IST0153', 'EnvoyFilter ADD on ROUTE_CONFIGURATION or HTTP_ROUTE, where it is ignored',
    'an EnvoyFilter ADD on ROUTE_CONFIGURATION or HTTP_ROUTE, where it is ignored'),
  envoyFilterRemoveIgnored: check('CI238', Severity.ERROR, 'IST0154', 'EnvoyFilter REMOVE on ROUTE_CONFIGURATION or HTTP_ROUTE, where it is ignored',
    'an EnvoyFilter REMOVE on ROUTE_CONFIGURATION or HTTP_ROUTE, where it is ignored'),
  envoyFilterRelativeWithVersion: check('CI239', Severity.WARNING, 'IST0155', 'EnvoyFilter relative patch without priority, on a filter another patch matches by proxy version',
    'a relative patch without `priority` of a filter that another patch matches by proxy version'),
} satisfies Record<string, Check>;

// istioctl 1.30's EnvoyFilter patch analyzer (envoyfilter/envoyfilter.go): operations that Envoy ignores
// for what they apply to, and relative operations whose outcome depends on the order filters apply in.

const ROUTE_LEVEL = new Set(['ROUTE_CONFIGURATION', 'HTTP_ROUTE']);
const REPLACEABLE = new Set(['NETWORK_FILTER', 'HTTP_FILTER', 'VIRTUAL_HOST']);

/**
 * The name a patch is known by: its value's `name`, else the listener filter it matches. istioctl compares
 * these to find filters patched both with and without a proxy version.
 */
function instanceName(patch: any): string {
  const value = patch.patch?.value;
  if (!value || typeof value !== 'object' || Array.isArray(value)) return '';
  if (value.name !== undefined && value.name !== null) return `value:${JSON.stringify(value.name)}`;
  return String(patch.match?.listener?.filterChain?.filter?.name ?? '');
}

/** What one patch gets, if anything; `relative` is the check for order-dependent operations, or none with a priority. */
function patchFinding(filter: Manifest, patch: any, at: Array<string | number>, relative: Check | undefined): Finding | undefined {
  const { operation } = patch.patch;
  const { applyTo } = patch;
  const orderDependent = () => relative && filter.finding(relative, `${operation} is relative to other filters' patches and the EnvoyFilter sets no priority: it may not apply${relative === CODES.envoyFilterRelativeWithVersion ? ' (another patch of the same filter matches a proxy version)' : ''}; use INSERT_FIRST or ADD, or set a priority`, at);
  switch (operation) {
    case 'ADD': return ROUTE_LEVEL.has(applyTo) ? filter.finding(CODES.envoyFilterAddIgnored, `ADD is ignored when applyTo is ${applyTo}`, at) : undefined;
    case 'REMOVE': return ROUTE_LEVEL.has(applyTo) ? filter.finding(CODES.envoyFilterRemoveIgnored, `REMOVE is ignored when applyTo is ${applyTo}`, at) : orderDependent();
    case 'REPLACE': return REPLACEABLE.has(applyTo) ? orderDependent() : filter.finding(CODES.envoyFilterReplaceInvalid, `REPLACE applies only to HTTP_FILTER, NETWORK_FILTER and VIRTUAL_HOST, not ${applyTo}`, at);
    case 'INSERT_BEFORE': case 'INSERT_AFTER': return orderDependent();
    default: return undefined;
  }
}

function analyzeFilter(filter: Manifest, versioned: string[]): Finding[] {
  // istioctl's messages carry no patch index, so it reports each code once per EnvoyFilter: at its first patch
  const byCode = new Map<string, Finding>();
  const priority = filter.object.spec?.priority ?? 0;
  const patches = Array.isArray(filter.object.spec?.configPatches) ? filter.object.spec.configPatches : [];
  for (let i = 0; i < patches.length; i++) {
    const patch = patches[i];
    if (!patch || typeof patch !== 'object' || !patch.patch) break; // as istioctl, which stops at the first patch without one
    const name = instanceName(patch);
    const relative = priority !== 0 ? undefined : versioned.includes(name) ? CODES.envoyFilterRelativeWithVersion : CODES.envoyFilterRelative;
    const finding = patchFinding(filter, patch, ['spec', 'configPatches', i], relative);
    if (finding && !byCode.has(finding.code)) byCode.set(finding.code, finding);
    if (typeof patch.match?.proxy?.proxyVersion === 'string' && patch.match.proxy.proxyVersion !== '') versioned.push(name);
  }
  return [...byCode.values()];
}

/** IST0151–IST0155: EnvoyFilter patch operations that are ignored or that depend on filter order. */
export function checkEnvoyFilters(mesh: Mesh): Finding[] {
  const findings: Finding[] = [];
  const versioned: string[] = [];
  const filters = mesh.ofKind('networking.istio.io', 'EnvoyFilter');
  for (const filter of [...filters].sort((a, b) => a.identity.localeCompare(b.identity))) {
    findings.push(...analyzeFilter(filter, versioned));
  }
  return findings;
}
