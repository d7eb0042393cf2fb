import { Chart, Testing } from 'cdk8s';
import { BookinfoApp, ReviewsDeployment } from '../../../lib';

/** A chart with Bookinfo whose reviews is one Deployment (`reviews`), as a delivery controller promotes it. */
export function oneWorkloadBookinfo(): { chart: Chart; bookinfo: BookinfoApp } {
  const chart = new Chart(Testing.app(), 'release');
  const bookinfo = new BookinfoApp(chart, 'bookinfo', { namespace: 'bookinfo', ingress: false, reviewsDeployment: ReviewsDeployment.ONE_WORKLOAD });
  return { chart, bookinfo };
}
