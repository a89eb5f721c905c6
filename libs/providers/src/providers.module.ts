import { Global, Module } from '@nestjs/common';
import { LlmRouter } from './llm-router';

/** Provides LlmRouter; needs APP_CONFIG and SwitchboardMetrics, which the app makes global. */
@Global()
@Module({
  providers: [LlmRouter],
  exports: [LlmRouter],
})
export class ProvidersModule {}
