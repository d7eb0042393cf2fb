import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { Analyzer } from '../../../lib/analyze/analyzer';
import { parseManifests } from '../../../lib/analyze/read/manifest';
import { SHARED } from '../../fixtures';
import { manifestsOf } from '../../util';
import { BookinfoApp, ReviewsDeployment } from '../../../lib';

/** A chart with Bookinfo whose reviews is one Deployment (`reviews`), as a delivery controller promotes it. */
export function oneWorkloadBookinfo(): { chart: Chart; bookinfo: BookinfoApp } {
  const chart = new Chart(Testing.app(), 'release');
  const bookinfo = new BookinfoApp(chart, 'bookinfo', { namespace: 'bookinfo', ingress: false, reviewsDeployment: ReviewsDeployment.ONE_WORKLOAD });
  return { chart, bookinfo };
}

const CRD_FILES = [path.join(SHARED, 'flagger-1.44.0', 'crd.yaml'), path.join(SHARED, 'argo-rollouts-1.9.1', 'rollout-crd.yaml')];

/** The findings of the analyzer on a chart, with the controllers' pinned CRDs: their schemas check Canary and Rollout objects. */
export function analyzeWithCrds(chart: Chart): string[] {
  const crds = CRD_FILES.flatMap(file => parseManifests(file, fs.readFileSync(file, 'utf8')).manifests);
  return new Analyzer(crds).analyze(manifestsOf(chart)).map(f => `${f.code} ${f.message}`);
}
