// cdk8s loads validation plugins with a plain require(): this entry runs the analyzer from the
// TypeScript sources of this checkout (an installed package uses build/lib/analyze/plugin.js).
'use strict';
require('./register.js');
module.exports = require('../lib/analyze/plugin.ts');
