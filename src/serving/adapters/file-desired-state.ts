import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, oneLine } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { EndpointDesiredState, EndpointRuntimeReport, EndpointSpec } from '../endpoint-spec.js';

/**
 * Endpoints described by a JSON file (`{"endpoints": [EndpointSpec…], "deleting": ["name"…]}`),
 * read again at every poll: `driftline server --endpoints <file>` serves them without the control
 * plane (editing the file and raising a generation is a blue/green update). Reports are logged and kept.
 */
export class FileDesiredState implements EndpointDesiredState {
  readonly reports: EndpointRuntimeReport[] = [];

  constructor(
    private readonly file: string,
    private readonly logger: Logger,
  ) {}

  async desired(): Promise<{ readonly specs: readonly EndpointSpec[]; readonly deleting: readonly string[] }> {
    let doc: unknown;
    try {
      doc = JSON.parse(await readFile(this.file, 'utf8')) as unknown;
    } catch (err) {
      throw new InvalidArgumentError(`cannot read the endpoints file ${this.file}: ${oneLine(err)}`);
    }
    const d = doc as { endpoints?: unknown; deleting?: unknown } | null;
    if (!d || !Array.isArray(d.endpoints)) throw new InvalidArgumentError(`the endpoints file ${this.file} has no "endpoints" array`);
    const deleting = Array.isArray(d.deleting) ? d.deleting.filter((x): x is string => typeof x === 'string') : [];
    return { specs: d.endpoints as EndpointSpec[], deleting };
  }

  report(report: EndpointRuntimeReport): Promise<void> {
    this.reports.push(report);
    this.logger.info('endpoint status', { ...report });
    return Promise.resolve();
  }
}
