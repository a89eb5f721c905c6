import { Module } from '@nestjs/common';
import { AgentModule } from '@switchboard/agent';
import { MetricsModule } from '@switchboard/observability';
import { ProvidersModule } from '@switchboard/providers';
import { SecurityModule } from '@switchboard/security';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ChatCompletionsController } from './chat-completions/chat-completions.controller';
import { CreateChatCompletionUseCase } from './chat-completions/create-chat-completion.use-case';
import { ModelCatalog } from './models/model-catalog';
import { ModelsController } from './models/models.controller';
import { ApiKeyRateLimitGuard } from './rate-limit/api-key-rate-limit.guard';
import { ApiKeyRateLimiter } from './rate-limit/api-key-rate-limiter';

/**
 * The OpenAI-compatible API: `POST /v1/chat/completions` and `GET /v1/models` with Switchboard
 * API keys.
 */
@Module({
  imports: [AgentModule, ApiKeysModule, MetricsModule, ProvidersModule, SecurityModule],
  controllers: [ChatCompletionsController, ModelsController],
  providers: [ApiKeyGuard, ApiKeyRateLimitGuard, ApiKeyRateLimiter, ModelCatalog, CreateChatCompletionUseCase],
})
export class OpenAiApiModule {}
