import type { Command } from '../command.ts';
import {
  adjustmentsExportCommand, adjustmentsImportCommand, adjustmentsListCommand, adjustmentsRemoveCommand,
} from './adjustments.ts';
import {
  bundleExportCommand, bundleImportCommand, bundleKeyCommand, bundleTrustCommand, bundleTrustedCommand,
  bundleVerifyCommand,
} from './bundle.ts';
import { auditListCommand, auditVerifyCommand } from './audit.ts';
import { auditExportCommand, auditOpenCommand, statementsVerifyCommand } from './auditor.ts';
import {
  capacityRecoverCommand, capacityReportCommand, capacitySetCommand, capacityShowCommand,
} from './capacity.ts';
import { chargebackCommand } from './chargeback.ts';
import { connectAddCommand, connectListCommand, connectRemoveCommand } from './connect.ts';
import { demoCommand } from './demo.ts';
import { importCommand } from './import.ts';
import { metersCommand, metersOverrideCommand, metersOverridesCommand, metersUnknownCommand } from './meters.ts';
import {
  ratesCreateCommand, ratesExportCommand, ratesImportCommand, ratesListCommand, ratesPublishCommand,
} from './rates.ts';
import { runsCommand } from './runs.ts';
import { serveCommand } from './serve.ts';
import { simulateCommand } from './simulate.ts';
import {
  statementsCorrectCommand, statementsCreateCommand, statementsExportCommand, statementsFinalizeCommand,
  statementsListCommand, statementsReplayCommand,
} from './statements.ts';
import { syncCommand } from './sync.ts';
import { usageCommand } from './usage.ts';

/** Every command, in the order help and the README list them. */
export const COMMANDS: Command[] = [
  demoCommand,
  connectAddCommand,
  connectListCommand,
  connectRemoveCommand,
  syncCommand,
  runsCommand,
  importCommand,
  metersCommand,
  metersUnknownCommand,
  metersOverrideCommand,
  metersOverridesCommand,
  usageCommand,
  ratesListCommand,
  ratesCreateCommand,
  ratesImportCommand,
  ratesExportCommand,
  ratesPublishCommand,
  adjustmentsListCommand,
  adjustmentsImportCommand,
  adjustmentsExportCommand,
  adjustmentsRemoveCommand,
  chargebackCommand,
  capacitySetCommand,
  capacityShowCommand,
  capacityReportCommand,
  capacityRecoverCommand,
  statementsListCommand,
  statementsCreateCommand,
  statementsFinalizeCommand,
  statementsReplayCommand,
  statementsVerifyCommand,
  statementsCorrectCommand,
  statementsExportCommand,
  auditVerifyCommand,
  auditListCommand,
  auditExportCommand,
  auditOpenCommand,
  bundleExportCommand,
  bundleVerifyCommand,
  bundleImportCommand,
  bundleKeyCommand,
  bundleTrustCommand,
  bundleTrustedCommand,
  serveCommand,
  simulateCommand,
];
