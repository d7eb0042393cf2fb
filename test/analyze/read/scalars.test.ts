import { parseManifests } from '../../../lib/analyze/read/manifest';
import { analyzeYaml, codes } from '../helpers';

/** The hosts of a VirtualService whose hosts are written plain, read by the fast or (with an alias) the full parser. */
function hosts(written: string, fullParser = false): unknown[] {
  const text = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: v, annotations: { a: &note x, b: *note } }
spec:
  hosts: [${written}]
`;
  return parseManifests('v.yaml', fullParser ? text : text.replace(', b: *note', '').replace(' &note', '')).manifests[0].object.spec.hosts;
}

describe('plain scalars, read as kubectl reads them (YAML 1.1, go-yaml v2)', () => {
  // each expected value is what `kubectl label --local -f <file> x=y -o json` (kubectl v1.35) printed for it
  const written = 'y, n, Yes, OFF, on, No, yEs, 0777, -017, 08, 09.5, 0o17, 1_000, 1__0, 1_0.5, 0b11, -0b11, 0x1F, 0x_1F, +12, 1e3, 0.5, '
    + '2001-12-14, 1:20, _1, ~, Null, NULL, True, "yes", \'on\'';
  const kubectl = [true, false, true, false, true, false, 'yEs', 511, -15, 8, 9.5, 15, 1000, 10, 10.5, 3, -3, 31, 31, 12, 1000, 0.5,
    '2001-12-14', '1:20', '_1', null, null, null, true, 'yes', 'on'];

  test('by the fast parser', () => {
    expect(hosts(written)).toEqual(kubectl);
  });

  test('by the full parser, which reads documents with aliases', () => {
    expect(hosts(written, true)).toEqual(kubectl);
  });
});

describe('what an unquoted value does to the object the API server gets', () => {
  const route = 'http: [{ route: [{ destination: { host: reviews } }] }]';

  test('a host written `on` is a boolean: rejected, with the reason and the fix', () => {
    const findings = analyzeYaml(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: v, namespace: shop }
spec: { hosts: [on], ${route} }`);
    expect(findings.filter(f => f.code === 'CI101').map(f => f.message)).toEqual([
      'spec.hosts[0]: must be string, got true: kubectl reads an unquoted y, yes, on or true as a boolean (YAML 1.1); quote the value',
    ]);
  });

  test('a label of any kind written `yes` or `1` is rejected, as kubectl fails to decode the object', () => {
    const findings = analyzeYaml(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: v, namespace: shop, labels: { enabled: yes, version: 1 }, annotations: { note: fine } }
spec: { hosts: [reviews], ${route} }`);
    expect(findings.filter(f => f.code === 'CI101').map(f => f.message)).toEqual([
      'metadata.labels.enabled: must be string, got true: kubectl reads an unquoted y, yes, on or true as a boolean (YAML 1.1); quote the value',
      'metadata.labels.version: must be string, got 1: kubectl reads an unquoted number as a number (0777 as octal 511, 1_000 as 1000); quote the value',
    ]);
  });

  test('a boolean field written `no` is a boolean, as the API server reads it: no finding', () => {
    const rule = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: r, namespace: shop }
spec: { host: reviews, trafficPolicy: { outlierDetection: { splitExternalLocalOriginErrors: no } } }`;
    expect(codes(analyzeYaml(rule))).not.toContain('CI101');
    expect(parseManifests('r.yaml', rule).manifests[0].object.spec.trafficPolicy.outlierDetection.splitExternalLocalOriginErrors).toBe(false);
  });
});

describe('values kubectl cannot convert to JSON', () => {
  test('a .inf or .nan is an error at its line, and the document is not analyzed further', () => {
    const text = (value: string) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: r, namespace: shop }
spec:
  host: reviews
  trafficPolicy:
    loadBalancer:
      warmup: { minimumPercent: ${value} }
`;
    const { manifests, findings } = parseManifests('r.yaml', text('.inf'));
    expect(manifests).toEqual([]);
    // kubectl: error converting YAML to JSON: json: unsupported value: +Inf
    expect(findings.map(f => [f.code, f.line, f.message])).toEqual([['CI001', 8,
      'spec.trafficPolicy.loadBalancer.warmup.minimumPercent: kubectl cannot convert .inf to JSON ("unsupported value") and applies nothing of the document; write a number, or quote the value']]);
    expect(parseManifests('r.yaml', text('.NaN')).findings.map(f => f.message)).toEqual([expect.stringContaining('cannot convert .nan to JSON')]);
    expect(parseManifests('r.yaml', text('-.Inf')).findings.map(f => f.message)).toEqual([expect.stringContaining('cannot convert -.inf to JSON')]);
    // quoted, it is a string (the schema's to judge), and a name that merely contains ".inf" is no number
    expect(parseManifests('r.yaml', text('".inf"')).findings).toEqual([]);
    expect(parseManifests('r.yaml', text('50').replace('host: reviews', 'host: reviews.inf')).findings).toEqual([]);
  });
});
