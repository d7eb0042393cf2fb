import { Chart, Testing } from 'cdk8s';
import { MtlsMode, MtlsPolicy, MtlsPolicyProps } from '../../lib';
import { find, synth } from '../util';

function mtls(props: MtlsPolicyProps = {}) {
  const chart = new Chart(Testing.app(), 'mtls');
  new MtlsPolicy(chart, 'mtls', props);
  return synth(chart);
}

describe('MtlsPolicy', () => {
  test('defaults to STRICT mesh-wide: PeerAuthentication default in istio-system', () => {
    const manifests = mtls();
    const pa = find(manifests, 'PeerAuthentication', 'default');
    expect(pa.apiVersion).toBe('security.istio.io/v1');
    expect(pa.metadata.namespace).toBe('istio-system');
    expect(pa.spec).toEqual({ mtls: { mode: 'STRICT' } });
    expect(manifests.filter(m => m.kind === 'DestinationRule')).toEqual([]);
    expect(manifests).toMatchSnapshot();
  });

  test('PERMISSIVE for one namespace is the migration step', () => {
    const pa = find(mtls({ namespace: 'bookinfo', mode: MtlsMode.PERMISSIVE }), 'PeerAuthentication', 'default');
    expect([pa.metadata.namespace, pa.spec.mtls.mode]).toEqual(['bookinfo', 'PERMISSIVE']);
  });

  test('port-level exceptions apply to selected workloads', () => {
    const manifests = mtls({ namespace: 'bookinfo', selector: { app: 'ratings' }, portModes: { 9090: MtlsMode.PERMISSIVE } });
    const pa = find(manifests, 'PeerAuthentication', 'ratings-mtls');
    expect(pa.spec).toEqual({ selector: { matchLabels: { app: 'ratings' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { 9090: { mode: 'PERMISSIVE' } } });
  });

  test('throws if port-level exceptions have no selector (the CRD rejects them)', () => {
    expect(() => mtls({ portModes: { 9090: MtlsMode.PERMISSIVE } }))
      .toThrow("'portModes' requires a 'selector': Istio applies port-level mTLS only to selected workloads, got ports 9090 without one");
  });

  test('throws if a port is out of range', () => {
    expect(() => mtls({ selector: { app: 'x' }, portModes: { 70000: MtlsMode.DISABLE } })).toThrow("'portModes' must be an integer between 1 and 65535, got 70000");
  });
});
