import { ControlPlaneServer } from '../ws/server/control-plane.server';

/** Injection token of the method groups the control plane serves besides its built-ins. */
export const METHOD_GROUPS = Symbol('CONTROL_PLANE_METHOD_GROUPS');

/** Control-plane methods registered together; Nest builds each group with the services it needs. */
export interface MethodGroup {
  register(server: ControlPlaneServer): void;
}
