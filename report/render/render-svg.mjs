// Renders vega-lite specs to SVG strings: JSON array of specs on stdin, JSON array of SVG strings on stdout.
// A plain ES module run in its own Node process (report/render/svg.ts) because vega and vega-lite ship as ES
// modules only: the CLI runs as CommonJS (tsx, the esbuild bundle) and so do the Jest tests (@swc/jest), and a
// child process lets every one of them use the real renderer unchanged, with no transform of node_modules.
import { parse, View } from 'vega';
import { compile } from 'vega-lite';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const specs = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const svgs = [];
for (const spec of specs) {
  // renderer 'none': no canvas, no DOM; loader never used (the data is inline), so nothing is fetched.
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  svgs.push(await view.toSVG());
  view.finalize();
}
process.stdout.write(JSON.stringify(svgs));
