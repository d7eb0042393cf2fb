import { analyzeYaml, codes, GOOD, reviewsRoute } from './helpers';

test('the good baseline has no findings', () => {
  expect(analyzeYaml(...GOOD)).toEqual([]);
});

describe('CI265 several objects of one identity in one state', () => {
  test('is reported once, at the object kubectl apply keeps, which alone is analyzed', () => {
    const v1 = reviewsRoute('  - route: [{ destination: { host: reviews, subset: v9 } }]');
    const v2 = reviewsRoute('  - route: [{ destination: { host: reviews, subset: v1 } }]');
    const findings = analyzeYaml(...GOOD.filter(d => !d.includes('kind: VirtualService')), v1, v2);
    const duplicate = findings.filter(f => f.code === 'CI265');
    expect(duplicate).toHaveLength(1);
    expect(duplicate[0].message).toMatch(/^VirtualService default\/reviews is defined 2 times \(input\.yaml:\d+, input\.yaml:\d+\); kubectl apply keeps the last, input\.yaml:\d+, which the analysis reads/);
    // the first version's undefined subset v9 is gone with it
    expect(codes(findings).filter(c => c === 'CI202')).toEqual([]);
  });
});
