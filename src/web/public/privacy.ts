// What the public may see of a person: a suspension is private by default (the public sees
// "inactive", the person and the managers see "suspended"), and each person's privacy
// settings hide their country, their company, or their entry in the directory.
import type { Kysely } from 'kysely';
import type { ActivityStatus } from '../../domain/status.js';
import type { Database, Member, MemberSettings, ProfileLink } from '../../store/schema.js';
import type { WebContext } from '../context.js';

export function publicStatus(context: Pick<WebContext, 'config'>, status: ActivityStatus): ActivityStatus {
  return status === 'suspended' && context.config.visibility.suspensions !== 'public' ? 'inactive' : status;
}

/** The status a viewer may see: the truth for the person and managers, the public status otherwise. */
export function statusFor(context: Pick<WebContext, 'config'>, viewer: { member: Member } | null, memberId: number, status: ActivityStatus): ActivityStatus {
  if (viewer && (viewer.member.id === memberId || viewer.member.role === 'manager' || viewer.member.role === 'admin')) return status;
  return publicStatus(context, status);
}

export const DEFAULT_SETTINGS: Omit<MemberSettings, 'member_id' | 'updated_at'> = {
  links: [],
  hide_country: false,
  hide_company: false,
  hide_from_directory: false,
  email_awards: true,
  email_status: true,
  email_reviews: true,
  email_program: true,
  checklist_dismissed_at: null,
};

export async function memberSettings(db: Kysely<Database>, memberId: number): Promise<Omit<MemberSettings, 'member_id' | 'updated_at'>> {
  const row = await db.selectFrom('member_settings').selectAll().where('member_id', '=', memberId).executeTakeFirst();
  return row ?? DEFAULT_SETTINGS;
}

export async function settingsOf(db: Kysely<Database>, memberIds: number[]): Promise<Map<number, MemberSettings>> {
  if (memberIds.length === 0) return new Map();
  const rows = await db.selectFrom('member_settings').selectAll().where('member_id', 'in', memberIds).execute();
  return new Map(rows.map((row) => [row.member_id, row]));
}

/** The member as the public sees them: hidden fields emptied, unless the viewer is them or a manager. */
export function visibleMember<T extends Pick<Member, 'id' | 'country' | 'company'>>(
  member: T,
  settings: Pick<MemberSettings, 'hide_country' | 'hide_company'> | undefined,
  viewer: { member: Member } | null,
): T {
  if (!settings || (viewer && (viewer.member.id === member.id || viewer.member.role === 'manager' || viewer.member.role === 'admin'))) return member;
  return { ...member, country: settings.hide_country ? null : member.country, company: settings.hide_company ? null : member.company };
}

export function profileLinks(settings: Pick<MemberSettings, 'links'> | undefined): ProfileLink[] {
  return Array.isArray(settings?.links) ? settings!.links.filter((link) => typeof link?.url === 'string' && link.url.startsWith('https://')) : [];
}
