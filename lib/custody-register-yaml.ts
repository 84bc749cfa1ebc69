/**
 * Reads the key custody register from its YAML text (the file a governance team keeps) and validates it with the
 * one schema (lib/custody-register.ts), naming the line of every problem. Only the CLI loads this (the `yaml`
 * package stays out of the Lambda bundles, which read the published JSON copy).
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import { InvalidCustodyRegisterError, validateCustodyRegister } from './custody-register';
import type { CustodyRegister } from './custody-register-types';

/**
 * Parses a register from its text. `source` names it in errors (a file path, an s3:// URL). Throws
 * InvalidCustodyRegisterError with every problem found, each with its line.
 */
export function parseCustodyRegister(textValue: string, source: string): CustodyRegister {
  const lineCounter = new LineCounter();
  // uniqueKeys (the default) turns a duplicated key into an error rather than letting the last one win.
  const doc = parseDocument(textValue, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number | undefined) =>
    offset === undefined ? undefined : lineCounter.linePos(offset).line;
  // Warnings are errors too: an unresolved tag (`!foo bar`) would otherwise be read as a plain string.
  const problems = [...doc.errors, ...doc.warnings].map((error) => ({
    path: '',
    line: lineAt(error.pos[0]),
    message: error.message.split('\n')[0] ?? error.code,
  }));
  // Aliases are refused where they are, with their line (toJS would only throw a bare ReferenceError): a
  // register is short and hand-written, and an alias makes one entry silently depend on another.
  visit(doc, {
    Alias(_key, node) {
      problems.push({
        path: '',
        line: lineAt(node.range?.[0]),
        message: `alias *${node.source} is not allowed in a custody register; write the value out`,
      });
    },
  });
  if (problems.length > 0) {
    problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    throw new InvalidCustodyRegisterError(source, problems);
  }
  return validateCustodyRegister(doc.toJS({ maxAliasCount: 0 }), source, (path) =>
    lineAt(nodeOffset(doc.contents, path)),
  );
}

/** The start offset of the deepest YAML node on `path` (a map entry's key; the nearest parent when it is missing). */
function nodeOffset(root: unknown, path: readonly PropertyKey[]): number | undefined {
  let node: unknown = root;
  let offset = rangeStart(root);
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(key));
      if (!pair) return offset;
      // The key's line: where the field is written, also when its value is a block on the lines below.
      offset = rangeStart(pair.key) ?? rangeStart(pair.value) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key];
      if (item === undefined) return offset;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else {
      return offset;
    }
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range?.[0];
}
