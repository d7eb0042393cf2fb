import Ajv from 'ajv';
import * as fs from 'fs';
import * as path from 'path';
import { AJV_OPTIONS, objectSchema } from '../../lib/analyze/schema/json-schema';
import { KINDS, validatorFingerprint, validatorId } from '../../lib/analyze/schema/schema-table';

const GENERATED = path.join(__dirname, '../../lib/analyze/schema/generated');
const BAD = {
  apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews' },
  spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', weight: 90 } }], match: [{ uri: { exact: '/a', prefix: '/b' } }] }] },
};

describe('precompiled validators', () => {
  // npm ci runs `prepare`, which generates them; a skipped install script leaves the runtime compiler
  const generated = fs.existsSync(path.join(GENERATED, 'index.js'));

  (generated ? test : test.skip)('were generated from the committed table', () => {
    expect(require(path.join(GENERATED, 'index.js')).fingerprint).toBe(validatorFingerprint());
  });

  (generated ? test : test.skip)('report exactly what the runtime compiler reports', () => {
    for (const key of ['networking.istio.io/VirtualService', 'networking.istio.io/DestinationRule', 'security.istio.io/AuthorizationPolicy', 'gateway.networking.k8s.io/HTTPRoute']) {
      const k = KINDS[key];
      const kind = k.kind;
      const precompiled = require(path.join(GENERATED, `${validatorId(k, 0)}.js`));
      const compiled = new Ajv(AJV_OPTIONS).compile(objectSchema(k.variants[0].schema));
      const object = { ...BAD, kind };
      expect(precompiled(object)).toBe(compiled(object));
      const strip = (errors: any[] | null | undefined) => (errors ?? []).map(({ instancePath, keyword, message }) => ({ instancePath, keyword, message }));
      expect(strip(precompiled.errors)).toEqual(strip(compiled.errors));
    }
  });
});
