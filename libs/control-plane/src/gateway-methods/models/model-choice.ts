import { LlmRouter, NO_MODEL_CONFIGURED_MESSAGE } from '@switchboard/providers';
import { ControlPlaneError, DetailCodes, ErrorCodes } from '../../ws/protocol/protocol-error';

/**
 * The model a chat request runs on: undefined for the configured one, or the configured model the
 * client names ("provider:model" or the model alone). Refused before any run starts when no model
 * is configured or the name is not one of the configured models.
 */
export function chooseModel(router: LlmRouter, requested?: string): string | undefined {
  if (!router.isConfigured()) {
    throw new ControlPlaneError(ErrorCodes.UNAVAILABLE, NO_MODEL_CONFIGURED_MESSAGE, { details: { code: 'MODEL_NOT_CONFIGURED' } });
  }
  if (requested === undefined) return undefined;
  const model = router.findModel(requested);
  if (model) return model;
  throw new ControlPlaneError(ErrorCodes.INVALID_REQUEST, `model ${requested} is not configured; available: ${router.models().join(', ')}`, {
    details: { code: DetailCodes.INVALID_PARAMS },
  });
}
