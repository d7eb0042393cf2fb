import * as YAML from 'yaml';
import { BlueGreen, HttpMatch, StringMatch } from '../../lib';
import { bookinfoApp, find, synth } from '../util';

describe('BlueGreen', () => {
  test('sends all reviews traffic to the active subset', () => {
    const { bookinfo, scenario } = bookinfoApp();
    new BlueGreen(scenario, 'reviews', { service: bookinfo.reviews, active: 'v1' });
    const manifests = synth(scenario);
    expect(find(manifests, 'VirtualService', 'reviews').spec.http).toEqual([
      { route: [{ destination: { host: 'reviews', subset: 'v1' } }] },
    ]);
    expect(manifests).toMatchSnapshot();
  });

  test('switching the active subset changes exactly one line of YAML', () => {
    const yamlFor = (active: string) => {
      const { app, bookinfo, scenario } = bookinfoApp();
      new BlueGreen(scenario, 'reviews', { service: bookinfo.reviews, active });
      app.synthYaml();
      return YAML.stringify(synth(scenario)).split('\n');
    };
    const blue = yamlFor('v1');
    const green = yamlFor('v2');
    expect(blue).toHaveLength(green.length);
    const changed = blue.map((line: string, i: number) => [line.trim(), green[i].trim()]).filter(([b, g]: string[]) => b !== g);
    expect(changed).toEqual([['subset: v1', 'subset: v2']]);
  });

  test('a preview subset is reachable only by the preview header', () => {
    const { bookinfo, scenario } = bookinfoApp();
    new BlueGreen(scenario, 'reviews', { service: bookinfo.reviews, active: 'v1', preview: 'v2' });
    const http = find(synth(scenario), 'VirtualService', 'reviews').spec.http;
    expect(http).toEqual([
      { match: [{ headers: { 'x-preview': { exact: 'true' } } }], route: [{ destination: { host: 'reviews', subset: 'v2' } }] },
      { route: [{ destination: { host: 'reviews', subset: 'v1' } }] },
    ]);
  });

  test('the preview match can be chosen', () => {
    const { bookinfo, scenario } = bookinfoApp();
    new BlueGreen(scenario, 'reviews', {
      service: bookinfo.reviews, active: 'v1', preview: 'v3', previewMatch: HttpMatch.header('end-user', StringMatch.exact('jason')),
    });
    const http = find(synth(scenario), 'VirtualService', 'reviews').spec.http;
    expect(http[0].match).toEqual([{ headers: { 'end-user': { exact: 'jason' } } }]);
  });

  test('throws if previewMatch is set without preview', () => {
    const { bookinfo, scenario } = bookinfoApp();
    expect(() => new BlueGreen(scenario, 'reviews', {
      service: bookinfo.reviews, active: 'v1', previewMatch: HttpMatch.uriPrefix('/'),
    })).toThrow("'previewMatch' is set but 'preview' is not");
  });

  test('throws if preview equals active', () => {
    const { bookinfo, scenario } = bookinfoApp();
    expect(() => new BlueGreen(scenario, 'reviews', { service: bookinfo.reviews, active: 'v1', preview: 'v1' }))
      .toThrow("'preview' must differ from 'active', got 'v1' for both");
  });

  test('fails if the active subset is not defined', () => {
    const { bookinfo, scenario } = bookinfoApp();
    new BlueGreen(scenario, 'reviews', { service: bookinfo.reviews, active: 'blue' });
    expect(() => synth(scenario)).toThrow("names subset 'blue', which no DestinationRule defines for host 'reviews' (defined: v1, v2, v3)");
  });
});
