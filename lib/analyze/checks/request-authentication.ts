import { check, Check, Finding, Severity } from '../finding';
import { Mesh } from '../model/mesh';
import { objects } from '../read/values';

/** The checks of this module, by name; lib/analyze/catalogue.ts lists every module's in code order. */
export const CODES = {
  jwksFetchUnrestricted: check('CI255', Severity.WARNING, 'IST0175', 'RequestAuthentications while the istiod Deployment of the input does not restrict JWKS fetches',
    'RequestAuthentications in the input while its istiod Deployment (`app: istiod`) does not set `BLOCKED_CIDRS_IN_JWKS_URIS`'),
} satisfies Record<string, Check>;

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
    .map(w => w.manifest.finding(CODES.jwksFetchUnrestricted, `BLOCKED_CIDRS_IN_JWKS_URIS is not set but ${authns.length} RequestAuthentication(s) exist (${names}): restrict the networks istiod fetches JWKS from`, ['spec', 'template', 'spec', 'containers']));
}
