import { Module } from '@nestjs/common';
import { MetricsModule } from '@switchboard/observability';
import { LlmRouter } from './llm-router';

/** Provides LlmRouter, built from the configuration (global APP_CONFIG). */
@Module({
  imports: [MetricsModule],
  providers: [LlmRouter],
  exports: [LlmRouter],
})
export class ProvidersModule {}
