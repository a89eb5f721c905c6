import { describe } from 'vitest';
import { describeChannelContract } from '@switchboard/testing/channel-contract/channel-contract.suite';
import { CONTRACT_PLATFORMS } from '@switchboard/testing/channel-contract/platforms';
import { startContractGateway } from './support/contract-gateway';

// The channel contract, once per platform and mode in CONTRACT_PLATFORMS, each against its own
// embedded gateway. One platform: `npx vitest run --project e2e e2e/channel-contract.e2e-spec.ts -t "telegram (polling)"`.
// Platforms side by side (each has its own embedded gateway and fake), at most the e2e project's
// maxConcurrency at a time; the tests of one platform run in order.
for (const platform of CONTRACT_PLATFORMS) {
  const contract = platform();
  describe.concurrent(contract.name, () => describeChannelContract(contract, startContractGateway));
}
