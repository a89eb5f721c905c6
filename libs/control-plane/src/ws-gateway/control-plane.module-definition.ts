import type { DynamicModule } from '@nestjs/common';

export interface ControlPlaneModuleOptions {
  /** The gateway's version, reported in hello-ok, `status` and presence. */
  serverVersion: string;
  /**
   * An embedded gateway's generated token (kept in its data directory), used when GATEWAY_TOKEN
   * is not set: accepted as the gateway token, while devices still sign in by their key.
   */
  generatedToken?: string;
}

/** Nest token of the ControlPlaneModuleOptions. */
export const CONTROL_PLANE_MODULE_OPTIONS = Symbol('CONTROL_PLANE_MODULE_OPTIONS');

export interface ControlPlaneModuleSettings extends ControlPlaneModuleOptions {
  /**
   * The process's HealthModule (`HealthModule.forRoot`), whose readiness the `health` and `status`
   * methods report: the very object the process imports, so both share one instance.
   */
  health: DynamicModule;
}
