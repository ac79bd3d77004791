import { InvalidArgumentError } from '../../core/errors.js';
import { printable } from '../one-line.js';

/**
 * The labels of a batch given as text: JSON Lines (SageMaker's ground-truth files, or
 * `{"inferenceId", "label"}` per line), a JSON array or `{"labels": [...]}`, or CSV rows
 * `inference_id,label` (a header line is skipped). Each item is then checked by `parseGroundTruthLabel`.
 */
export function parseLabelBatch(text: string, format: 'jsonl' | 'json' | 'csv'): unknown[] {
  if (format === 'json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new InvalidArgumentError(`the labels are not JSON: ${printable((err as Error).message, 120)}`);
    }
    return labelsOf(value);
  }
  const out: unknown[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    if (format === 'jsonl') {
      try {
        out.push(JSON.parse(line) as unknown);
      } catch (err) {
        throw new InvalidArgumentError(`line ${i + 1}: not JSON (${printable((err as Error).message, 120)}); nothing was stored`);
      }
      continue;
    }
    const cells = line.split(',');
    if (out.length === 0 && i === firstLine(lines) && /^[^0-9+\-.]/.test(cells[1]?.trim() ?? '') && cells.length === 2) continue; // header
    if (cells.length < 2) throw new InvalidArgumentError(`line ${i + 1}: expected inference_id,label; nothing was stored`);
    out.push({ inferenceId: cells[0]!.trim(), label: cells.slice(1).join(',').trim() });
  }
  return out;
}

/** The items of a JSON batch: an array, or `{"labels": [...]}` / `{"Labels": [...]}`. */
export function labelsOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const list = o['labels'] ?? o['Labels'];
    if (Array.isArray(list)) return list;
  }
  throw new InvalidArgumentError('the labels must be a JSON array, or {"labels": [...]}');
}

function firstLine(lines: readonly string[]): number {
  return lines.findIndex((l) => l.trim() !== '');
}
