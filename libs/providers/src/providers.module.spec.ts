import { Test } from '@nestjs/testing';
import { ConfigModule, loadConfig } from '@switchboard/config';
import { describe, expect, it } from 'vitest';
import { LlmRouter } from './llm-router';
import { ProvidersModule } from './providers.module';

describe('ProvidersModule', () => {
  it('starts without any model configured and provides an unconfigured router', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(loadConfig({ env: {} })), ProvidersModule],
    }).compile();

    const router = moduleRef.get(LlmRouter);

    expect(router.isConfigured()).toBe(false);
    await moduleRef.close();
  });

  it('builds the router from the injected configuration', async () => {
    const config = loadConfig({ env: { LLM_PROVIDER: 'echo', LLM_FALLBACKS: 'ollama:llama3' } });
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), ProvidersModule],
    }).compile();

    expect(moduleRef.get(LlmRouter).describe()).toEqual({ provider: 'echo', model: 'echo', fallbacks: ['ollama:llama3'] });
    await moduleRef.close();
  });
});
