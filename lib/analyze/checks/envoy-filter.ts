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
  localRateLimitMalformed: check('CI273', Severity.ERROR, '-', 'a local rate limit EnvoyFilter whose token bucket or descriptors cannot work',
    'a local rate limit (`envoy.filters.http.local_ratelimit`) whose token bucket Envoy refuses (`max_tokens` not a positive integer, `fill_interval` under 50 ms) or whose descriptor no `rate_limits` action of the patch produces, so it never applies'),
  inboundVhostNotServed: check('CI274', Severity.WARNING, '-', 'an EnvoyFilter patch of an inbound virtual host on a port the selected workloads do not serve',
    'an EnvoyFilter patch matching the inbound virtual host `inbound|http|<port>` of workloads whose Services serve no such port (Istio\'s rate limit sample names 8000 for productpage, which serves 9080): the patch applies to nothing'),
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


const LOCAL_RATE_LIMIT = 'envoy.filters.http.local_ratelimit';

/** Seconds of an Envoy duration (`60s`, `0.5s`, `1m`), or undefined. */
function seconds(value: unknown): number | undefined {
  const match = typeof value === 'string' ? /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value) : null;
  return match ? Number(match[1]) * ({ ms: 0.001, s: 1, m: 60, h: 3600 } as Record<string, number>)[match[2]] : undefined;
}

function bucketProblems(bucket: any): string[] {
  if (!bucket || typeof bucket !== 'object') return ['has no token_bucket'];
  const problems: string[] = [];
  if (!Number.isInteger(bucket.max_tokens) || bucket.max_tokens < 1) problems.push(`token_bucket.max_tokens is ${JSON.stringify(bucket.max_tokens)}, not a positive integer`);
  if (bucket.tokens_per_fill !== undefined && (!Number.isInteger(bucket.tokens_per_fill) || bucket.tokens_per_fill < 1)) problems.push(`token_bucket.tokens_per_fill is ${JSON.stringify(bucket.tokens_per_fill)}, not a positive integer`);
  const fill = seconds(bucket.fill_interval);
  if (fill === undefined || fill < 0.05) problems.push(`token_bucket.fill_interval is ${JSON.stringify(bucket.fill_interval)}: Envoy takes 50ms at least`);
  return problems;
}

/** CI273, CI274: local rate limits that cannot work, and inbound route patches of ports nothing serves. */
export function checkLocalRateLimits(mesh: Mesh): Finding[] {
  const findings: Finding[] = [];
  for (const filter of mesh.ofKind('networking.istio.io', 'EnvoyFilter')) {
    const patches: any[] = Array.isArray(filter.object.spec?.configPatches) ? filter.object.spec.configPatches : [];
    patches.forEach((patch, i) => {
      const value = patch?.patch?.value;
      const config = value?.typed_per_filter_config?.[LOCAL_RATE_LIMIT];
      if (config && typeof config === 'object') {
        const at = ['spec', 'configPatches', i, 'patch', 'value', 'typed_per_filter_config', LOCAL_RATE_LIMIT];
        const produced = new Set((Array.isArray(value.route?.rate_limits) ? value.route.rate_limits : [])
          .flatMap((l: any) => Array.isArray(l?.actions) ? l.actions : [])
          .flatMap((a: any) => [a?.header_value_match?.descriptor_value, a?.generic_key?.descriptor_value]).filter((v: unknown) => typeof v === 'string'));
        const problems = [
          ...bucketProblems(config.token_bucket),
          ...(Array.isArray(config.descriptors) ? config.descriptors : []).flatMap((d: any, j: number) => [
            ...bucketProblems(d?.token_bucket).map(p => `descriptors[${j}] ${p}`),
            ...(Array.isArray(d?.entries) ? d.entries : []).filter((e: any) => e?.key === 'header_match' || e?.key === 'generic_key')
              .filter((e: any) => !produced.has(e.value)).map((e: any) => `descriptors[${j}] counts ${e.key} '${e.value}', which no rate_limits action of the route produces, so it never applies`),
          ]),
        ];
        if (problems.length > 0) {
          findings.push(filter.finding(CODES.localRateLimitMalformed, `local rate limit: ${problems.join('; ')}`, at));
        }
      }
      const vhost = patch?.match?.routeConfiguration?.vhost?.name;
      const port = typeof vhost === 'string' ? /^inbound\|http\|(\d+)$/.exec(vhost)?.[1] : undefined;
      const labels = filter.object.spec?.workloadSelector?.labels;
      if (port && labels && typeof labels === 'object' && patch.match.context === 'SIDECAR_INBOUND') {
        const workloads = mesh.workloads.filter(w => (filter.namespace === 'istio-system' || w.namespace === filter.namespace)
          && Object.entries(labels).every(([k, v]) => w.labels[k] === v));
        const served = new Set(workloads.flatMap(w => mesh.servicesOf(w)).flatMap(s => (Array.isArray(s.object.spec?.ports) ? s.object.spec.ports : [])
          .flatMap((p: any) => [p?.port, p?.targetPort]).filter((p: unknown) => typeof p === 'number').map(String)));
        if (workloads.length > 0 && served.size > 0 && !served.has(port)) {
          findings.push(filter.finding(CODES.inboundVhostNotServed, `patch matches virtual host ${vhost}, but the selected workloads (${workloads.map(w => w.manifest.name).join(', ')}) `
            + `serve ports ${[...served].sort().join(', ')}: the patch applies to nothing`, ['spec', 'configPatches', i, 'match', 'routeConfiguration', 'vhost', 'name']));
        }
      }
    });
  }
  return findings;
}
