// The web's side of src/domain/permissions.ts: every console write path that touches another
// person asks here first, with the signed-in viewer as the actor.
import type { FastifyRequest } from 'fastify';
import { mayActOn, mayChangeRole, type MemberAction, type Role } from '../domain/permissions.js';
import type { Member } from '../store/schema.js';
import { forbidden } from './errors.js';

type Person = Pick<Member, 'id' | 'role'>;

function actorOf(request: FastifyRequest) {
  const viewer = request.viewer!.member;
  return { memberId: viewer.id, role: viewer.role };
}

/** Throws 403 with the rule's reason unless the viewer may do `action` to `subject`. */
export function requirePermission(request: FastifyRequest, action: MemberAction, subject: Person): void {
  const verdict = mayActOn(actorOf(request), action, { memberId: subject.id, role: subject.role });
  if (!verdict.allowed) throw forbidden(verdict.reason);
}

/** Throws 403 unless the viewer may give `subject` the role `to`. */
export function requireRoleChange(request: FastifyRequest, subject: Person, to: Role): void {
  const verdict = mayChangeRole(actorOf(request), { memberId: subject.id, role: subject.role }, to);
  if (!verdict.allowed) throw forbidden(verdict.reason);
}

/** Whether the viewer may do `action` to `subject` (to show or hide a form). */
export function permits(request: FastifyRequest, action: MemberAction, subject: Person): boolean {
  return mayActOn(actorOf(request), action, { memberId: subject.id, role: subject.role }).allowed;
}
