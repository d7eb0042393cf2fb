import { Suppressions } from '../../lib/analyze/suppress';
import { analyzeYaml } from './helpers';
import { parseManifests } from '../../lib/analyze/read/manifest';

// A SIMPLE-TLS DestinationRule without caCertificates: istioctl warns IST0128, we warn CI228.
const rule = (name: string, namespace: string, annotations = '') => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: ${name}, namespace: ${namespace}${annotations ? `, annotations: { ${annotations} }` : ''} }
spec: { host: ${name}.example.com, trafficPolicy: { tls: { mode: SIMPLE } } }`;

function codesAfter(rules: string[], ...docs: string[]): string[] {
  const { manifests } = parseManifests('input.yaml', docs.join('\n---\n'));
  return Suppressions.parse(rules).apply(analyzeYaml(...docs), manifests).filter(f => f.code === 'CI228').map(f => f.object);
}

describe('suppressing findings', () => {
  const docs = [rule('api', 'shop'), rule('pay', 'shop'), rule('api', 'edge')];

  test('nothing is suppressed without rules or annotations', () => {
    expect(codesAfter([], ...docs)).toEqual(['DestinationRule/shop/api', 'DestinationRule/shop/pay', 'DestinationRule/edge/api']);
  });

  test('by code, ours or the istioctl code it mirrors', () => {
    expect(codesAfter(['CI228'], ...docs)).toEqual([]);
    expect(codesAfter(['IST0128'], ...docs)).toEqual([]);
  });

  test('by code for one object, as istioctl writes it: Kind name.namespace, * as a wildcard', () => {
    expect(codesAfter(['CI228=DestinationRule api.shop'], ...docs)).toEqual(['DestinationRule/shop/pay', 'DestinationRule/edge/api']);
    expect(codesAfter(['CI228=DestinationRule api'], ...docs)).toEqual(['DestinationRule/shop/pay']);
    expect(codesAfter(['CI228=DestinationRule *.shop'], ...docs)).toEqual(['DestinationRule/edge/api']);
  });

  test('by the galley.istio.io/analyze-suppress annotation on the object', () => {
    const annotated = [rule('api', 'shop', '"galley.istio.io/analyze-suppress": "IST0128"'), rule('pay', 'shop', '"galley.istio.io/analyze-suppress": "*"'), rule('api', 'edge')];
    expect(codesAfter([], ...annotated)).toEqual(['DestinationRule/edge/api']);
  });

  test.each([
    ['CI228=DestinationRule', "suppression 'CI228=DestinationRule' must be CODE or CODE=Kind name[.namespace]"],
    ['CI999', "suppression 'CI999' names code CI999, which no check has (see --checks)"],
  ])('throws on the malformed rule %s', (bad, message) => {
    expect(() => Suppressions.parse([bad])).toThrow(message);
  });
});
