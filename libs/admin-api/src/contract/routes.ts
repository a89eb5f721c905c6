import { z } from 'zod';
import * as access from './access.schemas';
import * as audit from './audit.schemas';
import * as auth from './auth.schemas';
import { idParam, okBody } from './common.schemas';
import * as cp from './control-plane.schemas';
import * as operators from './operators.schemas';
import { overviewResponse } from './overview.schemas';
import type { Permission } from './permissions';
import * as sessions from './sessions.schemas';
import { channelList, channelParams, channelState, channelUpdateRequest, securitySettings, securitySettingsUpdate } from './settings.schemas';

export const ADMIN_API_PREFIX = '/api/admin';

/** `public`: no session needed; `signed-in`: any operator with a session; else the permission needed. */
export type RouteAccess = Permission | 'public' | 'signed-in';

export interface AdminRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Below ADMIN_API_PREFIX, with `:name` parameters. */
  path: string;
  access: RouteAccess;
  summary: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** JSON answer; absent for the streaming and file answers named by `produces`. */
  response?: z.ZodType;
  produces?: 'text/csv' | 'application/x-ndjson' | 'text/event-stream' | 'redirect';
}

const route = <R extends AdminRoute>(r: R): R => r;

/**
 * Every route of the admin API. The server's controllers take method, path and access from here,
 * and the console's client takes paths and schemas, so the two cannot drift apart. Every
 * state-changing route (not GET) also needs the `x-csrf-token` header, except sign-in and setup.
 */
export const ADMIN_ROUTES = {
  authConfig: route({ method: 'GET', path: '/auth/config', access: 'public', summary: 'Sign-in methods on offer', response: auth.authConfigResponse }),
  login: route({ method: 'POST', path: '/auth/login', access: 'public', summary: 'Sign in with email and password', body: auth.loginRequest, response: auth.sessionResponse }),
  setup: route({ method: 'POST', path: '/auth/setup', access: 'public', summary: 'Create the first owner with the one-time setup token', body: auth.setupRequest, response: auth.sessionResponse }),
  oidcStart: route({ method: 'GET', path: '/auth/oidc/start', access: 'public', summary: 'Start SSO: redirects to the identity provider', produces: 'redirect' }),
  oidcCallback: route({ method: 'GET', path: '/auth/oidc/callback', access: 'public', summary: 'SSO return: signs in and redirects to the console', produces: 'redirect' }),
  session: route({ method: 'GET', path: '/auth/session', access: 'signed-in', summary: 'The signed-in operator, permissions and CSRF token', response: auth.sessionResponse }),
  logout: route({ method: 'POST', path: '/auth/logout', access: 'signed-in', summary: 'Sign out this session', response: okBody }),
  logoutEverywhere: route({ method: 'POST', path: '/auth/logout-everywhere', access: 'signed-in', summary: 'Sign out every session of this operator', response: auth.signOutEverywhereResponse }),
  changePassword: route({ method: 'POST', path: '/auth/password', access: 'signed-in', summary: 'Change the own password (other sessions end)', body: auth.changePasswordRequest, response: okBody }),

  overview: route({ method: 'GET', path: '/overview', access: 'overview.read', summary: 'Traffic, queue, errors and active sessions', response: overviewResponse }),

  allowlistList: route({ method: 'GET', path: '/allowlist', access: 'allowlist.read', summary: 'Search and page the allowlist', query: access.allowlistListQuery, response: access.allowlistPage }),
  allowlistAdd: route({ method: 'POST', path: '/allowlist', access: 'allowlist.write', summary: 'Allow a user', body: access.allowlistAddRequest, response: access.allowlistAddResponse }),
  allowlistRemove: route({ method: 'DELETE', path: '/allowlist/:platform/:userId', access: 'allowlist.write', summary: 'Remove a user from the allowlist', params: access.allowlistEntryParams, response: access.allowlistRemoveResponse }),
  allowlistImport: route({ method: 'POST', path: '/allowlist/import', access: 'allowlist.write', summary: 'Import CSV (dry run previews)', body: access.allowlistImportRequest, response: access.allowlistImportResponse }),
  allowlistExport: route({ method: 'GET', path: '/allowlist/export', access: 'allowlist.read', summary: 'The allowlist as CSV', query: access.allowlistExportQuery, produces: 'text/csv' }),

  pairingList: route({ method: 'GET', path: '/pairing', access: 'pairing.read', summary: 'Pending pairing requests', query: access.pairingListQuery, response: access.pairingList }),
  pairingEvents: route({ method: 'GET', path: '/pairing/events', access: 'pairing.read', summary: 'Live pairing requests and decisions (SSE)', produces: 'text/event-stream' }),
  pairingApprove: route({ method: 'POST', path: '/pairing/approve', access: 'pairing.approve', summary: 'Approve a pairing code', body: access.pairingApproveRequest, response: access.pairingApproveResponse }),
  pairingDeny: route({ method: 'POST', path: '/pairing/:id/deny', access: 'pairing.approve', summary: 'Deny a pending request', params: idParam, response: access.pairingDenyResponse }),

  sessionSearch: route({ method: 'GET', path: '/sessions', access: 'sessions.read', summary: 'Search sessions', query: sessions.sessionSearchQuery, response: sessions.sessionPage }),
  sessionDetail: route({ method: 'GET', path: '/sessions/:id', access: 'sessions.read', summary: 'A session and its transcript', params: idParam, query: sessions.transcriptQuery, response: sessions.sessionDetail }),
  sessionReset: route({ method: 'POST', path: '/sessions/:id/reset', access: 'sessions.reset', summary: 'Start the conversation afresh', params: idParam, response: sessions.sessionResetResponse }),
  sessionDelete: route({ method: 'DELETE', path: '/sessions/:id', access: 'sessions.delete', summary: 'Delete a session and its messages', params: idParam, response: sessions.sessionDeleteResponse }),

  channelList: route({ method: 'GET', path: '/channels', access: 'channels.read', summary: 'Channels: state and masked config', response: channelList }),
  channelUpdate: route({ method: 'PATCH', path: '/channels/:platform', access: 'channels.manage', summary: 'Enable or disable a channel on every replica, without a restart', params: channelParams, body: channelUpdateRequest, response: channelState }),
  securitySettings: route({ method: 'GET', path: '/security', access: 'security.read', summary: 'DM policies, command permissions, IP rules and trusted proxies in force', response: securitySettings }),
  securityUpdate: route({ method: 'PATCH', path: '/security', access: 'security.write', summary: 'Change or reset (null) security settings on every replica, without a restart', body: securitySettingsUpdate, response: securitySettings }),

  deviceList: route({ method: 'GET', path: '/devices', access: 'devices.read', summary: 'Control-plane devices and their pairing requests', response: cp.deviceList }),
  deviceApprove: route({ method: 'POST', path: '/devices/requests/:requestId/approve', access: 'devices.manage', summary: 'Approve a device', params: cp.deviceRequestParams, response: cp.pairedDevice }),
  deviceReject: route({ method: 'POST', path: '/devices/requests/:requestId/reject', access: 'devices.manage', summary: 'Reject a device', params: cp.deviceRequestParams, response: okBody }),
  deviceRevoke: route({ method: 'POST', path: '/devices/:deviceId/revoke', access: 'devices.manage', summary: 'Unpair a device', params: cp.deviceParams, response: cp.pairedDevice }),

  apiKeyList: route({ method: 'GET', path: '/api-keys', access: 'apikeys.read', summary: 'OpenAI-compatible API keys', response: cp.apiKeyList }),
  apiKeyCreate: route({ method: 'POST', path: '/api-keys', access: 'apikeys.manage', summary: 'Create a key (shown once)', body: cp.apiKeyCreateRequest, response: cp.apiKeyCreateResponse }),
  apiKeyRevoke: route({ method: 'POST', path: '/api-keys/:id/revoke', access: 'apikeys.manage', summary: 'Revoke a key', params: idParam, response: cp.apiKeyRevokeResponse }),

  operatorList: route({ method: 'GET', path: '/operators', access: 'operators.read', summary: 'Operators', response: operators.operatorList }),
  operatorCreate: route({ method: 'POST', path: '/operators', access: 'operators.manage', summary: 'Create an operator', body: operators.operatorCreateRequest, response: operators.operator }),
  operatorUpdate: route({ method: 'PATCH', path: '/operators/:id', access: 'operators.manage', summary: 'Change role, name or disable (ends their sessions when disabled)', params: idParam, body: operators.operatorUpdateRequest, response: operators.operator }),
  roleList: route({ method: 'GET', path: '/roles', access: 'signed-in', summary: 'Roles and their permissions', response: operators.roleList }),

  auditList: route({ method: 'GET', path: '/audit', access: 'audit.read', summary: 'Audit events, newest first', query: audit.auditListQuery, response: audit.auditPage }),
  auditExport: route({ method: 'GET', path: '/audit/export', access: 'audit.read', summary: 'Audit events as CSV or JSON Lines', query: audit.auditExportQuery, produces: 'application/x-ndjson' }),
  auditVerify: route({ method: 'GET', path: '/audit/verify', access: 'audit.read', summary: 'Check the hash chain', response: audit.auditVerifyResponse }),
} as const;

export type AdminRouteName = keyof typeof ADMIN_ROUTES;
