import type { EndpointDesiredState, EndpointRuntimeReport, EndpointSpec } from './endpoint-spec.js';

/** An in-memory control plane: tests (and `driftline server --endpoints`) set the endpoints; reports are kept. */
export class MemoryDesiredState implements EndpointDesiredState {
  private readonly specs = new Map<string, EndpointSpec>();
  private readonly deleting = new Set<string>();
  readonly reports: EndpointRuntimeReport[] = [];
  private readonly listeners: ((r: EndpointRuntimeReport) => void)[] = [];

  /** Creates or updates an endpoint (the generation is the caller's). */
  put(spec: EndpointSpec): void {
    this.deleting.delete(spec.name);
    this.specs.set(spec.name, spec);
  }

  /** Marks an endpoint for deletion; it disappears once the data plane reports it deleted. */
  delete(name: string): void {
    this.specs.delete(name);
    this.deleting.add(name);
  }

  /** The last report about `name`. */
  last(name: string): EndpointRuntimeReport | undefined {
    for (let i = this.reports.length - 1; i >= 0; i--) if (this.reports[i]!.name === name) return this.reports[i];
    return undefined;
  }

  /** Resolves with the first report (from now on) that matches. */
  waitFor(match: (r: EndpointRuntimeReport) => boolean): Promise<EndpointRuntimeReport> {
    return new Promise((resolve) => {
      const listener = (r: EndpointRuntimeReport) => {
        if (!match(r)) return;
        this.listeners.splice(this.listeners.indexOf(listener), 1);
        resolve(r);
      };
      this.listeners.push(listener);
    });
  }

  desired(): Promise<{ readonly specs: readonly EndpointSpec[]; readonly deleting: readonly string[] }> {
    return Promise.resolve({ specs: [...this.specs.values()], deleting: [...this.deleting] });
  }

  report(report: EndpointRuntimeReport): Promise<void> {
    this.reports.push(report);
    if (report.kind === 'deleted') this.deleting.delete(report.name);
    for (const l of [...this.listeners]) l(report);
    return Promise.resolve();
  }
}
