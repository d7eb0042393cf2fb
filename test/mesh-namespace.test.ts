import { Chart, Testing } from 'cdk8s';
import { MeshNamespace } from '../lib';
import { find, synth } from './util';

function namespace(props: ConstructorParameters<typeof MeshNamespace>[2]) {
  const chart = new Chart(Testing.app(), 'ns');
  new MeshNamespace(chart, 'ns', props);
  return synth(chart);
}

describe('MeshNamespace', () => {
  test('enables sidecar injection as the tutorial labels it', () => {
    const manifests = namespace({ name: 'bookinfo' });
    const ns = find(manifests, 'Namespace', 'bookinfo');
    expect(ns.apiVersion).toBe('v1');
    expect(ns.metadata.labels).toEqual({ 'istio-injection': 'enabled' });
    expect(manifests).toMatchSnapshot();
  });

  test('a revision sets istio.io/rev and not istio-injection', () => {
    const ns = find(namespace({ name: 'bookinfo', revision: 'canary-1-30', labels: { team: 'shop' } }), 'Namespace', 'bookinfo');
    expect(ns.metadata.labels).toEqual({ 'istio.io/rev': 'canary-1-30', 'team': 'shop' });
  });

  test('throws if labels set an injection label', () => {
    expect(() => namespace({ name: 'bookinfo', labels: { 'istio-injection': 'disabled' } }))
      .toThrow("'labels' must not set 'istio-injection': use 'dataplaneMode', 'waypoint' or 'revision'");
  });

  test('throws if the name is not a DNS label', () => {
    expect(() => namespace({ name: 'Book_Info' })).toThrow("'name' must be a DNS label (lowercase letters, digits and '-', at most 63 characters), got 'Book_Info'");
  });
});
