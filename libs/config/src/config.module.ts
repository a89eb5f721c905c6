import { DynamicModule, Global, Inject, Module } from '@nestjs/common';
import { SwitchboardConfig } from './config.schema';

export const APP_CONFIG = Symbol('APP_CONFIG');

/** Injects the validated configuration. */
export const InjectConfig = (): ParameterDecorator => Inject(APP_CONFIG);

/** Provides the configuration loaded (and validated) once by the process entry point. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: SwitchboardConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
