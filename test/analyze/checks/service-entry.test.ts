import { analyzeYaml, codes } from '../helpers';

// Bad/good inputs written for this project after istioctl 1.30's analyzers of ServiceEntries (serviceentry.go):
// the checks of lib/analyze/checks/service-entry.ts.

const SE = (spec: string) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: db, namespace: shop }
spec: { hosts: [db.example.com], resolution: DNS, ${spec} }`;

describe('IST0134 a ServiceEntry TCP port without addresses (CI230)', () => {
  test('one finding per TCP or unset-protocol port; other protocols and given addresses are fine', () => {
    expect(codes(analyzeYaml(SE('ports: [{ number: 5432, name: tcp, protocol: tcp }, { number: 5433, name: db }, { number: 443, name: https, protocol: HTTPS }]')))).toEqual(['CI230', 'CI230']);
    expect(codes(analyzeYaml(SE('addresses: [10.1.2.3], ports: [{ number: 5432, name: tcp, protocol: TCP }]')))).toEqual([]);
    expect(codes(analyzeYaml(SE('ports: [{ number: 443, name: https, protocol: HTTPS }]')))).toEqual([]);
  });
});
