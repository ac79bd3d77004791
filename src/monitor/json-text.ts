/**
 * JSON text for monitoring files: objects indented for people to read, arrays of numbers or
 * strings on one line (a KLL sketch holds thousands of numbers: one per line would make files ten
 * times larger). Yields the text in pieces so that large files are written without one huge string.
 */
export function* jsonPieces(value: unknown, indent = ''): Generator<string> {
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) {
      yield JSON.stringify(value);
      return;
    }
    if (value.length === 0) {
      yield '[]';
      return;
    }
    yield '[\n';
    for (let i = 0; i < value.length; i++) {
      yield `${indent}  `;
      yield* jsonPieces(value[i], `${indent}  `);
      yield i < value.length - 1 ? ',\n' : '\n';
    }
    yield `${indent}]`;
    return;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) {
      yield '{}';
      return;
    }
    yield '{\n';
    for (let i = 0; i < entries.length; i++) {
      const [k, v] = entries[i]!;
      yield `${indent}  ${JSON.stringify(k)}: `;
      yield* jsonPieces(v, `${indent}  `);
      yield i < entries.length - 1 ? ',\n' : '\n';
    }
    yield `${indent}}`;
    return;
  }
  yield JSON.stringify(value ?? null);
}

/** Writes `value` as JSON text (see jsonPieces) to a sink in chunks of about 1 MB. */
export async function writeJson(sink: { write(text: string): Promise<void> }, value: unknown): Promise<void> {
  let buffer = '';
  for (const piece of jsonPieces(value)) {
    buffer += piece;
    if (buffer.length > 1 << 20) {
      await sink.write(buffer);
      buffer = '';
    }
  }
  await sink.write(`${buffer}\n`);
}
