// cdk8s loads validation plugins with a plain require(): this entry runs the analyzer from the
// TypeScript sources of this checkout (an installed package uses its plugin.js, which runs the bundle).
'use strict';
require('./register.js');
module.exports = require('../lib/analyze/plugin.ts');
