/**
 * Finds (or installs into .venv-tools/) the pinned Python tools, by the rule of scripts/lib/tools.ts.
 *
 *   npx tsx scripts/tools.ts                   every tool: one line each, version, path, where it was found
 *   npx tsx scripts/tools.ts moto_server       only the tools named (what `npm test` needs)
 *   npx tsx scripts/tools.ts --path cfn-lint   only that tool's path, nothing else on stdout (for .ci/run)
 *
 * Exit 1 with one line on stderr, naming the command to run, when the tools cannot be had.
 */
import { ensureTools, TOOL_DISTRIBUTIONS, type ToolCommand } from './lib/tools';

const isTool = (name: string): name is ToolCommand => name in TOOL_DISTRIBUTIONS;

async function main(argv: string[]): Promise<void> {
  const pathOnly = argv[0] === '--path';
  const named = pathOnly ? argv.slice(1) : argv;
  const unknown = named.filter((name) => !isTool(name));
  if (unknown.length > 0 || (pathOnly && named.length !== 1)) {
    throw new Error(
      `usage: scripts/tools.ts [--path] [${Object.keys(TOOL_DISTRIBUTIONS).join('|')}]...` +
        (unknown.length > 0 ? ` (unknown: ${unknown.join(', ')})` : ''),
    );
  }
  const tools = Object.values(await ensureTools(named.length > 0 ? { only: named.filter(isTool) } : {}));
  for (const tool of tools) {
    console.log(
      pathOnly
        ? tool.path
        : `${tool.command}: ${tool.distribution} ${tool.version}, ${tool.path} (${tool.source})`,
    );
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // The one line is the whole message: a stack trace would only bury the command to run.
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
