export { IMAGE_HEAD_BYTES, imageTypeOf } from './image-type';
export { LLM_IMAGE_MIME_TYPES } from './llm-provider';
export type {
  LlmEvent,
  LlmImage,
  LlmImageMimeType,
  LlmMessage,
  LlmProvider,
  LlmRequest,
  LlmToolCall,
  LlmToolDefinition,
} from './llm-provider';
export type { LlmProviderId } from './llm-provider.factory';
export { LlmRouter, NO_MODEL_CONFIGURED_MESSAGE } from './llm-router';
export type { LlmModelEvent, LlmProbeResult, LlmRouterDescription, LlmRouterEvent, LlmRouterRequest } from './llm-router';
export { ProvidersModule } from './providers.module';
