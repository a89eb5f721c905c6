import { describe, expect, it } from 'vitest';
import { OPERATOR_SCOPES, grantScopes, satisfiesScope } from './scopes';

describe('grantScopes', () => {
  it('grants a gateway-token operator exactly the scopes it asked for', () => {
    expect(grantScopes('operator', ['operator.read', 'operator.pairing'], OPERATOR_SCOPES)).toEqual(['operator.read', 'operator.pairing']);
  });

  it('never grants more than the credential allows, whatever the client declares', () => {
    const approved = ['operator.read'];
    expect(grantScopes('operator', ['operator.read', 'operator.admin', 'operator.pairing'], approved)).toEqual(['operator.read']);
  });

  it('drops scopes that do not exist and repeated ones', () => {
    expect(grantScopes('operator', ['operator.read', 'operator.everything', 'operator.read'], OPERATOR_SCOPES)).toEqual(['operator.read']);
  });

  it('lets an approved admin device ask for any operator scope', () => {
    expect(grantScopes('operator', ['operator.approvals', 'operator.write'], ['operator.admin'])).toEqual(['operator.approvals', 'operator.write']);
  });

  it('gives a node no operator scopes even with the gateway token', () => {
    expect(grantScopes('node', ['operator.admin'], OPERATOR_SCOPES)).toEqual([]);
  });
});

describe('satisfiesScope', () => {
  it('lets write cover read but not the other way round', () => {
    expect(satisfiesScope(['operator.write'], 'operator.read')).toBe(true);
    expect(satisfiesScope(['operator.read'], 'operator.write')).toBe(false);
  });

  it('lets admin cover every operator scope', () => {
    for (const scope of OPERATOR_SCOPES) expect(satisfiesScope(['operator.admin'], scope)).toBe(true);
  });

  it('does not let read or write cover pairing or approvals', () => {
    expect(satisfiesScope(['operator.read', 'operator.write'], 'operator.pairing')).toBe(false);
    expect(satisfiesScope(['operator.read', 'operator.write'], 'operator.approvals')).toBe(false);
  });
});
