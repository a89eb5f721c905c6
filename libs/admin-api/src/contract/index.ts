// The admin API contract, shared by the gateway and the console: permissions, roles, routes, schemas.
export * from './access.schemas';
export * from './audit.schemas';
export * from './auth.schemas';
export * from './common.schemas';
export * from './control-plane.schemas';
export * from './operators.schemas';
export * from './overview.schemas';
export * from './permissions';
export * from './routes';
export * from './sessions.schemas';
export * from './settings.schemas';
