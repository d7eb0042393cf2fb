import { Manifest } from '../read/manifest';
import { attachment } from './values';
import { duration, list, Path, Verdict } from './verdict';

/** Key types and members that make a JSON Web Key private (RFC 7518): the proxy only needs public keys. */
function privateKeys(v: Verdict, path: Path, jwks: any): void {
  list(jwks?.keys).forEach((key, i) => {
    if (key && typeof key === 'object' && (key.kty === 'oct' || key.d !== undefined)) {
      v.warning(path, `jwks key at index ${i} contains private key material; only public keys are used for verification`);
    }
  });
}

export function requestAuthentication(v: Verdict, m: Manifest): void {
  attachment(v, m.object.spec ?? {});
  list(m.object.spec?.jwtRules).forEach((r, i) => {
    if (!r || typeof r !== 'object') return;
    const path = ['spec', 'jwtRules', i];
    if (!r.issuer && !r.jwksUri) v.error(path, 'issuer or jwksUri must be non-empty string');
    if (typeof r.jwks === 'string' && r.jwks !== '') {
      try {
        privateKeys(v, [...path, 'jwks'], JSON.parse(r.jwks));
      } catch (e) {
        v.error([...path, 'jwks'], `jwks parse error: ${(e as Error).message}`);
      }
    }
    duration(v, [...path, 'timeout'], r.timeout);
  });
}
