import fs from 'node:fs';
import { connectParams } from '@switchboard/control-plane/testing/ws/test-device';
import { TestSocket } from '@switchboard/control-plane/testing/ws/test-socket';
import { copyMigratedPglite } from '@switchboard/persistence/security/testing-databases';
import type { ContractGateway } from '@switchboard/testing/channel-contract/channel-contract.suite';
import { CLI, GatewayProcess, run, tempDir } from './gateway-process';
import { waitForQuiescence } from './quiescence';

// The control-plane token of the contract gateways: the suite calls `send` as an operator.
const OPERATOR_TOKEN = 'contract-operator-token-5d1e';

/**
 * Starts an embedded gateway (its own data directory) with this environment, for the channel
 * contract and the scripted conversation; stop() kills it and removes the directory.
 */
export async function startContractGateway(env: Record<string, string>): Promise<ContractGateway> {
  const dataDir = tempDir('contract');
  // The first start on an empty data directory is e2e/gateway.e2e-spec.ts's; these start migrated.
  await copyMigratedPglite(dataDir);
  const gatewayEnv = { SWITCHBOARD_DATA_DIR: dataDir, GATEWAY_TOKEN: OPERATOR_TOKEN, ...env };
  const gateway = GatewayProcess.spawn(gatewayEnv);
  const removeDataDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
  await gateway.waitForUrl(240_000).catch(async (error: unknown) => {
    // Nobody gets this gateway to stop it later.
    await gateway.stop('SIGKILL');
    removeDataDir();
    throw error;
  });
  const cli = (...args: string[]) => run([CLI, ...args], gatewayEnv);
  return {
    url: gateway.url,
    quiescent: () => waitForQuiescence(gateway.url),
    doctor: async () => {
      const result = await cli('doctor');
      return result.stdout + result.stderr;
    },
    cli,
    logs: () => gateway.stderr.slice(-4_000),
    operatorRequest: async (method, params) => {
      const socket = await TestSocket.open(gateway.url.replace(/^http/, 'ws'));
      try {
        const hello = await socket.request('connect', connectParams({ token: OPERATOR_TOKEN }));
        if (!hello.ok) throw new Error(`operator connect refused: ${JSON.stringify(hello.error)}`);
        return await socket.request(method, params);
      } finally {
        socket.close();
      }
    },
    stop: async () => {
      await gateway.stop('SIGKILL');
      removeDataDir();
    },
  };
}
