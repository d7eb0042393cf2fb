// Keeps every snapshot in the top-level __snapshots__/ folder, where the project layout puts them.
const path = require('path');

const root = path.join(__dirname, '..');
const snapshots = path.join(root, '__snapshots__');

module.exports = {
  resolveSnapshotPath: (testPath, extension) =>
    path.join(snapshots, path.relative(path.join(root, 'test'), testPath) + extension),
  resolveTestPath: (snapshotPath, extension) =>
    path.join(root, 'test', path.relative(snapshots, snapshotPath).slice(0, -extension.length)),
  testPathForConsistencyCheck: path.join(root, 'test', 'traffic', 'canary.test.ts'),
};
