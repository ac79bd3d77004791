import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import type { CliContext } from './cli-context.js';
import { COMMAND_MODULES, commandModulesFor } from './command-modules.js';

describe('command modules', () => {
  it('name the top-level commands and aliases each module registers', async () => {
    for (const m of COMMAND_MODULES) {
      const program = new Command('driftline');
      (await m.load())(program, {} as CliContext);
      assert.deepEqual(
        program.commands.flatMap((c) => [c.name(), ...c.aliases()]),
        m.commands,
      );
    }
  });

  it("load only the command's module, every module for help, an unknown command or none", () => {
    const names = (argv: string[]) => commandModulesFor(argv, COMMAND_MODULES).map((m) => m.commands[0]);
    const all = COMMAND_MODULES.map((m) => m.commands[0]);
    assert.deepEqual(names(['train', '--train', 'data', '--out', 'm.json']), ['train']);
    assert.deepEqual(names(['--home', 'data', '--json', 'predict', '--help']), ['train']);
    assert.deepEqual(names(['--log-level', 'debug', 'alarm', 'list']), ['metrics']);
    assert.deepEqual(names(['rules', 'list']), ['events']);
    assert.deepEqual(names(['--home=pipeline', 'events', 'list']), ['events']);
    for (const argv of [[], ['--help'], ['help', 'train'], ['trian'], ['--home', 'x']]) assert.deepEqual(names(argv), all, argv.join(' '));
  });
});
