import { expect } from 'vitest';
import type { GatewayProcess } from '../../support/gateway-process';
import { ChaosHarness, sleep, until } from './chaos-harness';

/**
 * PostgreSQL stopped (`pg_ctl stop -m fast`) for `seconds` while replies stream and messages keep
 * coming, then started again: every message acked is answered exactly once, no turn fails.
 */
export async function postgresOutageUnderLoad(harness: ChaosHarness, gateways: GatewayProcess[], seconds: number): Promise<void> {
  const name = `pg-down-${seconds}s`;
  const sends = () => harness.telegram.calls({ path: /\/sendMessage$/ }).length;
  const sentBefore = sends();
  const before = harness.load(`${name} before`, 40, 25, gateways);
  await until(() => sends() >= sentBefore + 5, 'replies streaming');

  harness.postgres.stop();
  // Messages keep coming during the outage: refused (503) until PostgreSQL is back, then acked.
  const during = harness.load(`${name} during`, 10, (seconds * 1000) / 10, gateways);
  await sleep(seconds * 1000);
  harness.postgres.start();

  await Promise.all([before, during]);
  await harness.allAcked();
  await harness.waitUntilAllAnswered();
  await harness.waitForQuiescence();
  expect(harness.unanswered()).toEqual([]);
  expect(await harness.turnStatuses()).toEqual({ delivered: harness.acceptedCount() });
  // Allowed by the README's guarantee, and worth seeing in the log when it happens.
  console.log(`${name}: ${harness.acceptedCount()} answered, ${harness.repeatedAnswers()} of them sent again marked`);
}
