import { analyzeYaml, GOOD } from './helpers';

test('the good baseline has no findings', () => {
  expect(analyzeYaml(...GOOD)).toEqual([]);
});
