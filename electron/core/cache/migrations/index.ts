import { migration001 } from './001-initial.ts';
import { migration002 } from './002-credentials.ts';
import { migration003 } from './003-resumable-sync.ts';
import { migration004 } from './004-meter-rollups.ts';
import { migration005 } from './005-explorer-rollups.ts';
import { migration006 } from './006-rate-cards.ts';
import { migration007 } from './007-statements.ts';
import { migration008 } from './008-capacity-models.ts';
import { migration009 } from './009-bundles.ts';
import type { Migration } from './types.ts';

/** Every schema step, in order. A new step is a new numbered file added at the end; shipped steps never change. */
export const MIGRATIONS: readonly Migration[] = [
  migration001, migration002, migration003, migration004, migration005, migration006, migration007, migration008,
  migration009,
];
