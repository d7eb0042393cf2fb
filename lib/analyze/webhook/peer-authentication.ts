import { Manifest } from '../read/manifest';
import { attachment } from './values';
import { Verdict } from './verdict';

// ---- PeerAuthentication -------------------------------------------------------------------------

export function peerAuthentication(v: Verdict, m: Manifest): void {
  const spec = m.object.spec ?? {};
  attachment(v, spec);
  // the CEL rules require a selector with labels beside port-level settings
  const levels = spec.portLevelMtls;
  if (!levels || typeof levels !== 'object') return;
  for (const key of Object.keys(levels)) {
    // the CRD's CEL rule checks the range of numeric keys; istiod's conversion also refuses other keys
    if (!/^\d+$/.test(key)) {
      v.error(['spec', 'portLevelMtls', key], `port '${key}' is not a number (keys of portLevelMtls are port numbers)`);
    }
  }
}
