import * as path from 'path';
import { App } from 'cdk8s';
import { Delivery, TrafficApi } from './lib';
import { BookinfoStateChart, JwtEdgeChart, MeshTelemetryChart, ProgressiveDeliveryChart, ReleaseStepChart, TUTORIAL_STEPS, TutorialStep } from './tutorial';

// dist/: one desired state, what `kubectl apply -f dist/` makes true
const state = new App();
const { bookinfo } = new BookinfoStateChart(state, 'bookinfo', { release: TutorialStep.BLUE });
new MeshTelemetryChart(state, 'mesh');
state.synth();

// dist/steps/: the tutorial's release steps, each applied on top of the state (kubectl -f dist/ does not recurse)
const steps = new App({ outdir: path.join(state.outdir, 'steps'), recordConstructMetadata: false });
for (const step of TUTORIAL_STEPS) {
  new ReleaseStepChart(steps, step, { bookinfo });
}
steps.synth();

// dist/optional/: applied by hand, if at all
const optional = new App({ outdir: path.join(state.outdir, 'optional'), recordConstructMetadata: false });
new JwtEdgeChart(optional, 'jwt-edge');
optional.synth();

// dist/gateway-api/: the same app and steps with the Kubernetes Gateway API in ambient mode, in namespace
// bookinfo-ambient (applied on its own, or beside dist/); its steps in dist/gateway-api/steps/
const ambient = new App({ outdir: path.join(state.outdir, 'gateway-api'), recordConstructMetadata: false });
const { bookinfo: ambientBookinfo } = new BookinfoStateChart(ambient, 'bookinfo', { release: TutorialStep.BLUE, api: TrafficApi.GATEWAY_API });
ambient.synth();
const ambientSteps = new App({ outdir: path.join(state.outdir, 'gateway-api', 'steps'), recordConstructMetadata: false });
for (const step of TUTORIAL_STEPS) {
  new ReleaseStepChart(ambientSteps, step, { bookinfo: ambientBookinfo, api: TrafficApi.GATEWAY_API });
}
ambientSteps.synth();

// dist/flagger/ and dist/argo-rollouts/: the canary of reviews handed to a delivery controller instead of
// release steps in git, each in a namespace of its own (applied instead of dist/, with the controller installed)
for (const [folder, delivery] of [['flagger', Delivery.flagger()], ['argo-rollouts', Delivery.argoRollouts()]] as const) {
  const controlled = new App({ outdir: path.join(state.outdir, folder), recordConstructMetadata: false });
  new ProgressiveDeliveryChart(controlled, 'bookinfo', { delivery, namespace: `bookinfo-${folder}` });
  controlled.synth();
}
