import { call } from '../call.ts';
import { EXIT, type Command } from '../command.ts';
import { groupDecimal, textTable } from '../format.ts';

export const metersCommand: Command = {
  name: 'meters',
  summary: 'List every meter seen in the cache: ID, name, unit, service, records and exact total quantity',
  details: 'With --json, one object per meter: meterId (lower-case), name, unit, service, records, quantity (exact decimal string).',
  positionals: [],
  options: {
    connection: { type: 'string', placeholder: '<name>', description: 'Only usage from this stamp' },
    all: { type: 'boolean', description: 'Include catalog meters with no usage' },
  },
  async run(ctx, options) {
    const rows = await call(ctx.openCore(), 'meters:list', {
      connection: typeof options.connection === 'string' ? options.connection : undefined,
      seenOnly: options.all !== true,
    });
    if (ctx.json) {
      ctx.out(JSON.stringify(rows.map((m) => ({
        meterId: m.meterId,
        name: m.name,
        unit: m.unit,
        service: m.service,
        records: m.records,
        quantity: m.quantity,
      })), null, 2));
      return EXIT.ok;
    }
    if (rows.length === 0) {
      ctx.out('No usage cached yet. Run "stackmeter sync <stamp>", "stackmeter import <file>" or "stackmeter demo".');
      return EXIT.ok;
    }
    ctx.out(textTable(
      ['meter ID', 'name', 'service', 'unit', 'records', 'quantity'],
      rows.map((m) => [m.meterId, m.name, m.service, m.unit, m.records, groupDecimal(m.quantity)]),
    ));
    return EXIT.ok;
  },
};
