import { ROOT_NAMESPACE } from '../../private/mesh-defaults';
import { CHECKS, Finding } from '../finding';
import { Manifest } from '../manifest';
import { Mesh } from '../mesh';
import { labelsMatch, objects } from './util';

// istioctl 1.30's JWTClaimRouteAnalyzer (virtualservice/jwtclaimroute.go): routing on JWT claims needs a
// RequestAuthentication on the gateway pods, which validates the token and exposes its claims.

const CLAIM_PREFIX = '@request.auth.claims';

/** Whether a header match key names a JWT claim (`@request.auth.claims.sub`, `@request.auth.claims[sub]`). */
export function isClaimKey(key: string): boolean {
  if (!key.toLowerCase().startsWith(CLAIM_PREFIX)) return false;
  const rest = key.slice(CLAIM_PREFIX.length);
  return (rest.startsWith('.') && rest.length > 1) || (rest.startsWith('[') && rest.endsWith(']') && rest.length > 2);
}

/** The first header key of the VirtualService's matches that routes on a JWT claim, as istioctl picks it. */
function claimKey(vs: Manifest): string | undefined {
  for (const http of objects(vs.object.spec?.http)) {
    for (const match of objects(http.match)) {
      for (const field of ['headers', 'withoutHeaders']) {
        const key = Object.keys(match[field] && typeof match[field] === 'object' ? match[field] : {}).find(isClaimKey);
        if (key) return key;
      }
    }
  }
  return undefined;
}


/** IST0149: a gateway pod that routes on JWT claims but no RequestAuthentication (of its namespace or the root) selects. */
export function checkJwtClaimRoutes(mesh: Mesh): Finding[] {
  const authns = mesh.ofKind('security.istio.io', 'RequestAuthentication');
  const findings: Finding[] = [];
  for (const vs of mesh.virtualServices) {
    const key = claimKey(vs);
    if (!key) continue;
    for (const ref of (Array.isArray(vs.object.spec?.gateways) ? vs.object.spec.gateways : []).map(String)) {
      const name = ref.includes('/') ? ref : `${vs.namespace}/${ref}`;
      const gateway = ref === 'mesh' ? undefined : mesh.gateways.get(name);
      const selector = gateway?.object.spec?.selector;
      if (!gateway || !selector || typeof selector !== 'object') continue;
      for (const pod of mesh.workloads.filter(w => labelsMatch(selector, w.labels))) {
        const covered = authns.some(ra => (ra.namespace === ROOT_NAMESPACE || ra.namespace === pod.namespace) &&
          labelsMatch(ra.object.spec?.selector?.matchLabels ?? {}, pod.labels));
        if (!covered) {
          findings.push(vs.finding(CHECKS.jwtClaimRouteWithoutAuthn, `routes on the JWT claim '${key}' through gateway ${name}, but no RequestAuthentication applies to its pod ${pod.manifest.name}: the claims are never validated nor available for routing`, ['spec', 'gateways']));
        }
      }
    }
  }
  return findings;
}

/**
 * IST0175: RequestAuthentications in the input while its istiod Deployment (labelled `app: istiod`) does not
 * set BLOCKED_CIDRS_IN_JWKS_URIS, so istiod fetches any `jwksUri`, internal addresses included.
 */
export function checkJwksFetchRestriction(mesh: Mesh): Finding[] {
  const authns = mesh.ofKind('security.istio.io', 'RequestAuthentication').map(m => `${m.namespace}/${m.name}`);
  if (authns.length === 0) return [];
  const names = authns.length <= 5 ? authns.join(', ') : `${authns.slice(0, 5).join(', ')}, and ${authns.length - 5} more`;
  return mesh.workloads
    .filter(w => w.manifest.kind === 'Deployment' && w.manifest.object.metadata?.labels?.app === 'istiod')
    .filter(w => !objects(w.manifest.object.spec?.template?.spec?.containers).some(c => objects(c.env).some(e => e.name === 'BLOCKED_CIDRS_IN_JWKS_URIS' && e.value)))
    .map(w => w.manifest.finding(CHECKS.jwksFetchUnrestricted, `BLOCKED_CIDRS_IN_JWKS_URIS is not set but ${authns.length} RequestAuthentication(s) exist (${names}): restrict the networks istiod fetches JWKS from`, ['spec', 'template', 'spec', 'containers']));
}
