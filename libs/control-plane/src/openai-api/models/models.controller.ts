import { Controller, Get, UseFilters, UseGuards } from '@nestjs/common';
import { ApiKeyGuard, RequireScope } from '../auth/api-key.guard';
import { OpenAiErrorFilter } from '../errors/openai-error.filter';
import { ModelCatalog } from './model-catalog';

/** `GET /v1/models`: the models a request may name. */
@Controller('v1')
@UseFilters(OpenAiErrorFilter)
@UseGuards(ApiKeyGuard)
export class ModelsController {
  constructor(private readonly catalog: ModelCatalog) {}

  @Get('models')
  @RequireScope('models')
  list() {
    return this.catalog.list();
  }
}
