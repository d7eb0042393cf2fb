// The mesh as a cdk8s app, for the bench's `cdk8s synth` run: MESH_SERVICES services into CDK8S_OUTDIR.
import { App } from 'cdk8s';
import { buildMesh } from './mesh-app';

const app = new App();
buildMesh(app, Number(process.env.MESH_SERVICES ?? 1000));
app.synth();
