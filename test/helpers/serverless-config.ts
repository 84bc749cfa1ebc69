/**
 * serverless.yml as osls sees it, read as plain YAML (long-form intrinsics only, so no osls and no credentials):
 * the `functions` and `resources` lists merged into one map each, their `${file(./x):key}` items read from that
 * file (the generated deploy/rules.generated.yml), and every whole-value `${self:a.b}` replaced by what it names.
 * Other variables (`${file(...)}` event patterns, `${param:...}`, `${sls:stage}`) stay as written: the tests
 * compare those references themselves.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

const ROOT = resolve(__dirname, '..', '..');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const isObject = (value: unknown): value is { [key: string]: Json } =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const FILE_ITEM = /^\$\{file\(\.\/([^)]+)\):([A-Za-z]+)\}$/;
const SELF = /^\$\{self:([\w.]+)\}$/;

function included(item: Json): Json {
  const match = typeof item === 'string' ? FILE_ITEM.exec(item) : null;
  if (!match) return item;
  const file = parse(readFileSync(join(ROOT, match[1] as string), 'utf8')) as Json;
  return isObject(file) ? (file[match[2] as string] ?? null) : null;
}

/** osls's merge of a list of maps (mergePlainObjects): nested maps merged, anything else replaced. */
function merge(into: { [key: string]: Json }, from: Json): { [key: string]: Json } {
  if (!isObject(from)) return into;
  for (const [key, value] of Object.entries(from)) {
    const current = into[key];
    into[key] = isObject(current) && isObject(value) ? merge({ ...current }, value) : value;
  }
  return into;
}

function resolveSelf(node: Json, root: { [key: string]: Json }): Json {
  if (typeof node === 'string') {
    const match = SELF.exec(node);
    if (!match) return node;
    const target = (match[1] as string)
      .split('.')
      .reduce<Json>((at, key) => (isObject(at) ? (at[key] ?? null) : null), root);
    return resolveSelf(target, root);
  }
  if (Array.isArray(node)) return node.map((item) => resolveSelf(item, root));
  if (!isObject(node)) return node;
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, resolveSelf(value, root)]));
}

export function loadServerlessConfig(): { [key: string]: Json } {
  const config = parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8')) as { [key: string]: Json };
  for (const key of ['functions', 'resources']) {
    const value = config[key];
    if (Array.isArray(value)) config[key] = value.map(included).reduce<{ [key: string]: Json }>(merge, {});
  }
  return resolveSelf(config, config) as { [key: string]: Json };
}
