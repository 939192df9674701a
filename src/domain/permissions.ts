// Who may act on whom. The roles form a ladder (ambassador < manager < admin), and the one
// rule every write path applies: a manager acts only on people below them; an admin acts on
// anyone but, like everyone, never reviews, verifies, merges or flags their own work or
// account. Admins are the only ones who act on peers (other admins) and change roles.
export type Role = 'ambassador' | 'manager' | 'admin';

export const ROLES: readonly Role[] = ['ambassador', 'manager', 'admin'];

const RANK: Record<Role, number> = { ambassador: 0, manager: 1, admin: 2 };

export interface Actor {
  memberId: number;
  role: Role;
}

export interface Subject {
  memberId: number;
  role: Role;
}

/**
 * What one person does to another person's account, data or work:
 * - `manage`: suspend, reinstate, flag staff/bot, edit handle or email, message, add notes;
 * - `review`: approve, reject, revoke or ask for changes on a contribution;
 * - `verify`: verify or reject an identity link;
 * - `merge`: merge a duplicate member into another;
 * - `set-role`: change someone's role;
 * - `remove`: erase a person.
 */
export type MemberAction = 'manage' | 'review' | 'verify' | 'merge' | 'set-role' | 'remove';

export type Permission = { allowed: true } | { allowed: false; reason: string };

const allow: Permission = { allowed: true };
const deny = (reason: string): Permission => ({ allowed: false, reason });

const article = (role: Role) => (role === 'admin' || role === 'ambassador' ? 'an' : 'a');

export function isStaffRole(role: Role): boolean {
  return role === 'manager' || role === 'admin';
}

/** May `actor` do `action` to `subject`? The reason, when not, is fit to show the actor. */
export function mayActOn(actor: Actor, action: MemberAction, subject: Subject): Permission {
  if (!isStaffRole(actor.role)) return deny('this is for program managers');
  if (actor.memberId === subject.memberId) {
    return deny(action === 'review' ? 'nobody reviews their own contributions' : action === 'verify' ? 'nobody verifies their own identities' : 'nobody acts on their own account from the console');
  }
  if (action === 'set-role' || action === 'merge' || action === 'remove') {
    return actor.role === 'admin' ? allow : deny('only an administrator may do this');
  }
  if (RANK[subject.role] >= RANK[actor.role] && actor.role !== 'admin') {
    return deny(`${article(actor.role)} ${actor.role} may not act on ${article(subject.role)} ${subject.role}`);
  }
  return allow;
}

/** May `actor` give `subject` the role `to`? Only admins, never on themselves. */
export function mayChangeRole(actor: Actor, subject: Subject, to: Role): Permission {
  const base = mayActOn(actor, 'set-role', subject);
  if (!base.allowed) return base;
  if (!ROLES.includes(to)) return deny(`unknown role "${to}"`);
  return allow;
}
