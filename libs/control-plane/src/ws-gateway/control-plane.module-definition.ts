import { ConfigurableModuleBuilder } from '@nestjs/common';

export interface ControlPlaneModuleOptions {
  /** The gateway's version, reported in hello-ok, `status` and presence. */
  serverVersion: string;
}

export const { ConfigurableModuleClass: ConfigurableControlPlaneModule, MODULE_OPTIONS_TOKEN: CONTROL_PLANE_MODULE_OPTIONS } =
  new ConfigurableModuleBuilder<ControlPlaneModuleOptions>()
    .setClassMethodName('forRoot')
    // Global: the local admin API approves devices through the running control plane.
    .setExtras({}, (definition) => ({ ...definition, global: true }))
    .build();
