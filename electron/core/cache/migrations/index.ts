import { migration001 } from './001-initial.ts';
import type { Migration } from './types.ts';

/** Every schema step, in order. A new step is a new numbered file added at the end; shipped steps never change. */
export const MIGRATIONS: readonly Migration[] = [migration001];
