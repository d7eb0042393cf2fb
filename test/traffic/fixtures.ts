import { Chart, Testing } from 'cdk8s';
import { HttpMatch, MeshService, ServiceSubsets, StringMatch } from '../../lib/index';

export function shop() {
  const chart = new Chart(Testing.app(), 'shop');
  const checkout = MeshService.fromHost('checkout', { namespace: 'shop' });
  new ServiceSubsets(chart, 'checkout-subsets', { service: checkout, subsets: ['v1', 'v2'] });
  return { chart, checkout };
}

export const IPHONE = HttpMatch.header('user-agent', StringMatch.regex('.*iPhone.*'));
