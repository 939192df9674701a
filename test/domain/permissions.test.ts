import { describe, expect, it } from 'vitest';
import { mayActOn, mayChangeRole, ROLES, type MemberAction, type Role } from '../../src/domain/permissions.js';

const actions: MemberAction[] = ['manage', 'review', 'verify', 'merge', 'set-role', 'remove'];
const person = (memberId: number, role: Role) => ({ memberId, role });

describe('who may act on whom', () => {
  it('refuses every action to ambassadors, and every action on oneself', () => {
    for (const action of actions) {
      for (const role of ROLES) {
        expect(mayActOn(person(1, 'ambassador'), action, person(2, role)).allowed).toBe(false);
        expect(mayActOn(person(1, role), action, person(1, role)).allowed).toBe(false);
      }
    }
    expect(mayActOn(person(1, 'admin'), 'verify', person(1, 'admin'))).toEqual({ allowed: false, reason: 'nobody verifies their own identities' });
  });

  it('lets a manager manage, review and verify ambassadors only, and never merge, remove or set roles', () => {
    const manager = person(1, 'manager');
    for (const action of ['manage', 'review', 'verify'] as const) {
      expect(mayActOn(manager, action, person(2, 'ambassador')).allowed).toBe(true);
      expect(mayActOn(manager, action, person(3, 'manager')).allowed).toBe(false);
      expect(mayActOn(manager, action, person(4, 'admin')).allowed).toBe(false);
    }
    for (const action of ['merge', 'remove', 'set-role'] as const) {
      expect(mayActOn(manager, action, person(2, 'ambassador'))).toEqual({ allowed: false, reason: 'only an administrator may do this' });
    }
  });

  it('lets an admin act on anyone else, peers included', () => {
    for (const action of actions) for (const role of ROLES) expect(mayActOn(person(1, 'admin'), action, person(2, role)).allowed).toBe(true);
    expect(mayChangeRole(person(1, 'admin'), person(2, 'manager'), 'admin').allowed).toBe(true);
    expect(mayChangeRole(person(1, 'manager'), person(2, 'ambassador'), 'manager').allowed).toBe(false);
    expect(mayChangeRole(person(1, 'admin'), person(1, 'admin'), 'ambassador').allowed).toBe(false);
  });
});
