import { ForbiddenException, HttpException, UnauthorizedException } from '@nestjs/common';

// Same body shape as the gateway's DomainError answers: {error: {code, message}}.

export const unauthenticated = (message = 'sign in first') => new UnauthorizedException({ error: { code: 'UNAUTHENTICATED', message } });

export const forbidden = (message: string) => new ForbiddenException({ error: { code: 'FORBIDDEN', message } });

export const invalidInput = (message: string) => new HttpException({ error: { code: 'INVALID_INPUT', message } }, 400);

/** 400 naming each refused field of the body: `{error: {code, message, fields: {field: problem}}}`. */
export const invalidFields = (fields: Record<string, string>) =>
  new HttpException({ error: { code: 'INVALID_INPUT', message: Object.entries(fields).map(([field, problem]) => `${field}: ${problem}`).join('; '), fields } }, 400);
