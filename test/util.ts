import { App, Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { BookinfoApp } from '../lib';
import { Manifest, parseManifests } from '../lib/analyze/read/manifest';

/**
 * Synthesizes a chart the way `app.synth()` does, validations included, and returns its manifests.
 */
export function synth(chart: Chart): any[] {
  App.of(chart).synthYaml();
  return Testing.synth(chart);
}

/** A chart's manifests as the analyzer reads them from `<chart id>.yaml`, one YAML document per object. */
export function manifestsOf(chart: Chart): Manifest[] {
  return parseManifests(`${chart.node.id}.yaml`, synth(chart).map(m => YAML.stringify(m)).join('---\n')).manifests;
}

/** Finds the one manifest of `kind` named `name`, failing the test if there is not exactly one. */
export function find(manifests: any[], kind: string, name: string): any {
  const found = manifests.filter(m => m.kind === kind && m.metadata?.name === name);
  if (found.length !== 1) {
    throw new Error(`expected one ${kind} '${name}', found ${found.length} (have: ${manifests.map(m => `${m.kind}/${m.metadata?.name}`).join(', ')})`);
  }
  return found[0];
}

/** An app with the Bookinfo base chart and an empty scenario chart, as the tutorial applies them. */
export function bookinfoApp(): { app: App; bookinfo: BookinfoApp; base: Chart; scenario: Chart } {
  const app = Testing.app();
  const base = new Chart(app, 'bookinfo');
  const bookinfo = new BookinfoApp(base, 'bookinfo', { namespace: 'bookinfo' });
  const scenario = new Chart(app, 'scenario');
  return { app, bookinfo, base, scenario };
}
