require('../scripts/register.js');
const fs = require('fs'); const YAML = require('yaml');
const { Analyzer } = require('../lib/analyze/analyzer.ts');
const { parseManifests } = require('../lib/analyze/manifest.ts');
const dir = '/tmp/crdtests';
let missed = 0, falsePos = 0, total = 0;
for (const f of fs.readdirSync(dir)) {
  const invalid = f.includes('-invalid');
  const docs = YAML.parseAllDocuments(fs.readFileSync(`${dir}/${f}`, 'utf8')).map(d => d.toJS()).filter(Boolean);
  for (const doc of docs) {
    const err = doc._err; delete doc._err;
    const { manifests } = parseManifests('x.yaml', YAML.stringify(doc));
    const an = new Analyzer();
    const found = manifests.flatMap(m => an['checkObject'](m)).filter(x => x.severity === 'error');
    total++;
    if (invalid && found.length === 0) { missed++; console.log('MISSED', f, doc.metadata?.name, '::', err); }
    if (!invalid && found.length > 0) { falsePos++; console.log('FALSE+', f, doc.metadata?.name, found.map(x => x.message).join(' | ').slice(0, 200)); }
  }
}
console.log('total', total, 'missed', missed, 'false positives', falsePos);
