import { FakeDingTalk, FakeLlmServer } from '@switchboard/testing';
import { GatewayProcess, tempDir } from './gateway-process';

/** A fake DingTalk and a fake LLM on 127.0.0.1, and gateways started against them. */
export class DingTalkHarness {
  readonly dingtalk = new FakeDingTalk();
  readonly llm = new FakeLlmServer();
  private readonly gateways: GatewayProcess[] = [];

  async start(): Promise<void> {
    await Promise.all([this.dingtalk.start(), this.llm.start()]);
  }

  async stop(): Promise<void> {
    for (const gateway of this.gateways) await gateway.stop('SIGKILL');
    await Promise.all([this.dingtalk.stop(), this.llm.stop()]);
  }

  /** Environment for a gateway talking to the fakes in Stream mode; `extra` wins. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      SWITCHBOARD_DATA_DIR: tempDir('dingtalk'),
      DINGTALK_CLIENT_ID: this.dingtalk.clientId,
      DINGTALK_CLIENT_SECRET: this.dingtalk.clientSecret,
      DINGTALK_API_ROOT: this.dingtalk.url,
      DINGTALK_MODE: 'stream',
      LLM_PROVIDER: 'openai-compatible',
      LLM_MODEL: 'fake-model',
      OPENAI_BASE_URL: this.llm.openaiBaseUrl,
      OPENAI_API_KEY: 'sk-test',
      ...extra,
    };
  }

  async gateway(env: Record<string, string>): Promise<GatewayProcess> {
    const gateway = await GatewayProcess.start(env);
    this.gateways.push(gateway);
    return gateway;
  }
}
