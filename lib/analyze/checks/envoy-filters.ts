import { CHECKS, Finding } from '../finding';
import { Manifest } from '../manifest';
import { Mesh } from '../mesh';

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

function analyzeFilter(filter: Manifest, versioned: string[], out: Finding[]): void {
  // istioctl's messages carry no patch index, so it reports each code once per EnvoyFilter: at its first patch
  const reported = new Set<string>();
  const findings = {
    push: (f: Finding) => {
      if (!reported.has(f.code)) out.push(f);
      reported.add(f.code);
    },
  };
  const priority = filter.object.spec?.priority ?? 0;
  const patches = Array.isArray(filter.object.spec?.configPatches) ? filter.object.spec.configPatches : [];
  for (let i = 0; i < patches.length; i++) {
    const patch = patches[i];
    if (!patch || typeof patch !== 'object' || !patch.patch) break; // as istioctl, which stops at the first patch without one
    const at = ['spec', 'configPatches', i];
    const { operation } = patch.patch;
    const name = instanceName(patch);
    const relative = () => {
      if (priority !== 0) return;
      const check = versioned.includes(name) ? CHECKS.envoyFilterRelativeWithVersion : CHECKS.envoyFilterRelative;
      findings.push(filter.finding(check, `${operation} is relative to other filters' patches and the EnvoyFilter sets no priority: it may not apply${check === CHECKS.envoyFilterRelativeWithVersion ? ' (another patch of the same filter matches a proxy version)' : ''}; use INSERT_FIRST or ADD, or set a priority`, at));
    };
    if (operation === 'ADD' && ROUTE_LEVEL.has(patch.applyTo)) {
      findings.push(filter.finding(CHECKS.envoyFilterAddIgnored, `ADD is ignored when applyTo is ${patch.applyTo}`, at));
    } else if (operation === 'REMOVE') {
      if (ROUTE_LEVEL.has(patch.applyTo)) findings.push(filter.finding(CHECKS.envoyFilterRemoveIgnored, `REMOVE is ignored when applyTo is ${patch.applyTo}`, at));
      else relative();
    } else if (operation === 'REPLACE') {
      if (!REPLACEABLE.has(patch.applyTo)) findings.push(filter.finding(CHECKS.envoyFilterReplaceInvalid, `REPLACE applies only to HTTP_FILTER, NETWORK_FILTER and VIRTUAL_HOST, not ${patch.applyTo}`, at));
      else relative();
    } else if (operation === 'INSERT_BEFORE' || operation === 'INSERT_AFTER') {
      relative();
    }
    if (typeof patch.match?.proxy?.proxyVersion === 'string' && patch.match.proxy.proxyVersion !== '') versioned.push(name);
  }
}

/** IST0151–IST0155: EnvoyFilter patch operations that are ignored or that depend on filter order. */
export function checkEnvoyFilters(mesh: Mesh): Finding[] {
  const findings: Finding[] = [];
  const versioned: string[] = [];
  const filters = mesh.manifests.filter(m => m.group === 'networking.istio.io' && m.kind === 'EnvoyFilter');
  for (const filter of [...filters].sort((a, b) => a.identity.localeCompare(b.identity))) {
    analyzeFilter(filter, versioned, findings);
  }
  return findings;
}
