import { Static, TSchema } from '@sinclair/typebox';
import { AuthMethod } from '../auth/connect.handshake';
import { ConnectParams } from '../protocol/connect.schema';
import { OperatorScope, Role } from '../protocol/scopes';
import { Validator, compileSchema } from '../protocol/schema-validator';

/** Who is calling: fixed at the handshake. */
export interface ConnectionInfo {
  connId: string;
  role: Role;
  scopes: OperatorScope[];
  authMethod: AuthMethod;
  protocol: number;
  client: ConnectParams['client'];
  deviceId?: string;
  remoteIp: string;
  connectedAtMs: number;
}

export interface MethodContext {
  connection: ConnectionInfo;
  /** The `id` of the request frame. */
  requestId: string;
  /**
   * Sends a first `res` right away (e.g. `{runId, status: "accepted"}`); the handler's return value
   * then goes out as a second `res` with the same id. At most once per request.
   */
  accept(payload: unknown): void;
  /** Sends an event to this connection only (e.g. `agent` events of the caller's run). */
  sendEvent(event: string, payload: unknown): void;
  /** Aborted when the connection closes. */
  signal: AbortSignal;
}

export interface MethodDefinition<S extends TSchema> {
  /** Operator scope the caller must hold; null lets any authenticated connection call it. */
  scope: OperatorScope | null;
  /** TypeBox schema of `params` (absent params are validated as `{}`); compiled once. */
  schema: S;
  /** Side-effecting: params carry `idempotencyKey`, and a repeat gets the first call's responses. */
  dedupe?: boolean;
  /** Returns the `res` payload; throw ControlPlaneError (or a core DomainError) to answer an error. */
  handler(params: Static<S>, context: MethodContext): unknown;
}

export interface RegisteredMethod {
  name: string;
  scope: OperatorScope | null;
  dedupe: boolean;
  validate: Validator<unknown>;
  handler(params: unknown, context: MethodContext): unknown;
}

/** The methods a connection may call; fails fast on a duplicate or inconsistent registration. */
export class MethodRegistry {
  private readonly methods = new Map<string, RegisteredMethod>();

  register<S extends TSchema>(name: string, definition: MethodDefinition<S>): void {
    if (name === 'connect') throw new Error('"connect" is the handshake and cannot be registered as a method');
    if (this.methods.has(name)) throw new Error(`control-plane method "${name}" is registered twice`);
    const required: unknown = definition.schema.required;
    if (definition.dedupe && !(Array.isArray(required) && required.includes('idempotencyKey'))) {
      throw new Error(`control-plane method "${name}" dedupes but its schema does not require idempotencyKey`);
    }
    this.methods.set(name, {
      name,
      scope: definition.scope,
      dedupe: definition.dedupe ?? false,
      validate: compileSchema(definition.schema),
      handler: definition.handler as RegisteredMethod['handler'],
    });
  }

  get(name: string): RegisteredMethod | undefined {
    return this.methods.get(name);
  }

  names(): string[] {
    return [...this.methods.keys()];
  }
}
