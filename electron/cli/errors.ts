import type { ErrorCode } from '../shared/result.ts';
import { EXIT } from './command.ts';

/** One exit code per kind of failure, so that cron jobs and Task Scheduler can tell them apart. */
export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'INVALID_ARGUMENT':
      return EXIT.usage;
    case 'AUTH':
    case 'FORBIDDEN':
      return EXIT.auth;
    case 'TLS':
    case 'NETWORK':
      return EXIT.network;
    case 'API':
      return EXIT.api;
    case 'LOCKED':
      return EXIT.locked;
    case 'CANCELLED':
      return EXIT.cancelled;
    default:
      return EXIT.failure;
  }
}
