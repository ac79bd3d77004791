/** A name or value between single quotes, for one-line messages (see `printable`). */
export function quote(value: string): string {
  return `'${printable(value)}'`;
}

/** Text with control characters and line separators escaped, cut to `max` characters: safe inside a one-line message. */
export function printable(value: string, max = 80): string {
  let out = '';
  for (const ch of value) {
    const c = ch.charCodeAt(0);
    out += c < 0x20 || c === 0x7f || c === 0x2028 || c === 0x2029 ? `\\u${c.toString(16).padStart(4, '0')}` : ch;
    if (out.length >= max) return `${out.slice(0, max - 1)}…`;
  }
  return out;
}
