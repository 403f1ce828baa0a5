/**
 * The member names at the top level of a JSON object text, as JSON.parse
 * reads them (escapes decoded), in order, duplicates kept: JSON.parse keeps
 * only the last of a duplicated name, so a proof could say one `htu` to a
 * reader that takes the first and another to us. The text must be valid
 * JSON (check with JSON.parse first); anything else gives an empty list.
 */
export function topLevelMemberNames(text: string): string[] {
  const names: string[] = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      const end = stringEnd(text, i);
      if (end < 0) return [];
      if (depth === 1 && /^\s*:/.test(text.slice(end + 1, end + 32))) {
        names.push(JSON.parse(text.slice(i, end + 1)) as string);
      }
      i = end;
    } else if (char === '{' || char === '[') {
      depth++;
    } else if (char === '}' || char === ']') {
      depth--;
    }
  }
  return names;
}

/** The index of the quote that closes the string opening at `start`, or -1. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}
