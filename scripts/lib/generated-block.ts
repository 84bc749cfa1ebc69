/**
 * Generated blocks inside hand-written files (stacksets/member-account.yaml, README.md): the text between an
 * opening and a closing marker line belongs to a generator, everything else to people. Pure: the caller reads
 * and writes the file.
 */

export interface Markers {
  open: string;
  close: string;
}

/** `# <generated:name>` … `# </generated:name>`, for YAML. */
export const yamlMarkers = (name: string): Markers => ({
  open: `# <generated:${name}>`,
  close: `# </generated:${name}>`,
});

/** `<!-- generated:name -->` … `<!-- /generated:name -->`, for Markdown. */
export const markdownMarkers = (name: string): Markers => ({
  open: `<!-- generated:${name} -->`,
  close: `<!-- /generated:${name} -->`,
});

/**
 * `text` with the lines between the marker lines replaced by `block`, each line indented as the opening marker
 * is. Throws when a marker is missing or repeated: a generator must never guess where its block goes.
 */
export function replaceGeneratedBlock(text: string, markers: Markers, block: string): string {
  const lines = text.split('\n');
  const at = (marker: string) => {
    const found = lines.flatMap((line, i) => (line.trim() === marker ? [i] : []));
    if (found.length !== 1) throw new Error(`expected one line "${marker}", found ${found.length}`);
    return found[0] as number;
  };
  const open = at(markers.open);
  const close = at(markers.close);
  if (close < open) throw new Error(`"${markers.close}" comes before "${markers.open}"`);
  const indent = /^\s*/.exec(lines[open] as string)?.[0] ?? '';
  const body = block
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => (line === '' ? '' : `${indent}${line}`));
  return [...lines.slice(0, open + 1), ...body, ...lines.slice(close)].join('\n');
}
