// esbuild plugins for the function bundles (serverless.yml custom.esbuild.plugins; serverless-esbuild requires
// this file, so it is CommonJS). ARCHITECTURE.md, "Lean bundles".
const { readFileSync } = require('node:fs');

/**
 * Every @aws-sdk client imports its whole package.json to read one field, `version` (the user agent), and
 * esbuild cannot drop the other fields of a default-imported JSON file: ~2.5 KB of metadata per client in
 * every bundle. Only the version is kept; nothing in @aws-sdk reads anything else of it.
 */
const sdkPackageVersionOnly = {
  name: 'sdk-package-version-only',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]@aws-sdk[\\/][^\\/]+[\\/]package\.json$/ }, (args) => ({
      contents: JSON.stringify({ version: JSON.parse(readFileSync(args.path, 'utf8')).version }),
      loader: 'json',
    }));
  },
};

module.exports = [sdkPackageVersionOnly];
