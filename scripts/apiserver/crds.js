// The CRDs the project targets, each pinned in ../shared: Istio 1.30.3, Gateway API v1.5.1 (experimental
// channel), Flagger 1.44.0 and Argo Rollouts 1.9.1.
'use strict';
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const shared = path.join(__dirname, '..', '..', '..', 'shared');

function crdFiles() {
  const argo = path.join(shared, 'argo-rollouts-1.9.1');
  return [
    path.join(shared, 'istio-1.30.3', 'crd-all.gen.yaml'),
    path.join(shared, 'gateway-api-v1.5.1-experimental-crds.yaml'),
    path.join(shared, 'flagger-1.44.0', 'crd.yaml'),
    ...fs.readdirSync(argo).filter(f => f.endsWith('-crd.yaml')).sort().map(f => path.join(argo, f)),
  ];
}

const documents = file => YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map(d => d.toJS()).filter(Boolean);

module.exports = { crdFiles, documents };
