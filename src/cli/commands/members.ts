// `ambassador member …`: add, list, show, suspend, reinstate, remove.
import type { Command } from 'commander';
import { isoDateArgument } from '../arguments.js';
import { withContext, type GlobalOptions } from '../context.js';
import { printJson, printLines, printTable } from '../output.js';
import { identityView, memberView } from '../../store/views.js';
import { listIdentities } from '../../store/identities.js';
import {
  addMember,
  changeMemberState,
  listMembers,
  removeMember,
  requireMember,
  setMemberFlags,
} from '../../store/members.js';
import { memberStatuses } from '../../store/statuses.js';

export function registerMemberCommands(program: Command, globals: () => GlobalOptions): void {
  const member = program.command('member').description('register and manage members');

  member
    .command('add')
    .description('register a member')
    .requiredOption('--handle <handle>', 'public handle, unique (case-insensitive)')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--email <email>', 'email address, kept private')
    .option('--joined <date>', 'date joined, YYYY-MM-DD (default: today)', isoDateArgument)
    .option('--country <country>', 'country')
    .option('--company <company>', 'company')
    .option('--role <role>', 'ambassador | manager | admin', 'ambassador')
    .option('--json', 'print JSON')
    .action(async (options) =>
      withContext(globals(), async ({ store, actor, today }) => {
        if (!['ambassador', 'manager', 'admin'].includes(options.role)) {
          throw new Error(`--role: expected ambassador, manager or admin, got "${options.role}"`);
        }
        const added = await addMember(
          store.db,
          {
            handle: options.handle,
            name: options.name,
            email: options.email,
            joinedAt: options.joined ?? today,
            country: options.country,
            company: options.company,
            role: options.role,
          },
          actor,
        );
        if (options.json) printJson(memberView(added));
        else printLines([`registered ${added.handle} (joined ${added.joined_at})`]);
      }),
    );

  member
    .command('list')
    .description('list members')
    .option('--state <state>', 'registered | suspended | withdrawn')
    .option('--search <text>', 'part of a handle or name')
    .option('--json', 'print JSON')
    .action(async (options) =>
      withContext(globals(), async ({ store }) => {
        const members = await listMembers(store.db, { state: options.state, search: options.search });
        if (options.json) return printJson(members.map(memberView));
        printTable(members, [
          { header: 'HANDLE', value: (m) => m.handle },
          { header: 'NAME', value: (m) => m.name },
          { header: 'COUNTRY', value: (m) => m.country },
          { header: 'JOINED', value: (m) => m.joined_at },
          { header: 'ROLE', value: (m) => m.role },
          { header: 'STATE', value: (m) => m.state },
        ]);
      }),
    );

  member
    .command('show <handle>')
    .description('show a member, their identities and status today')
    .option('--json', 'print JSON')
    .action(async (handle: string, options) =>
      withContext(globals(), async ({ store, config, today }) => {
        const found = await requireMember(store.db, handle);
        const identities = (await listIdentities(store.db, found.id)).map(identityView);
        const [status] = await memberStatuses(store.db, config, today, { memberIds: [found.id] });
        const view = {
          ...memberView(found),
          email: found.email,
          identities,
          status: status
            ? { status: status.status, lastContributionAt: status.lastContributionAt, activeUntil: status.activeUntil }
            : null,
        };
        if (options.json) return printJson(view);
        printLines([
          `${view.handle} — ${view.name}${view.country ? ` (${view.country})` : ''}`,
          `joined ${view.joinedAt}, ${view.role}, ${view.state}${view.stateReason ? ` (${view.stateReason})` : ''}`,
          `status ${view.status?.status ?? '-'}, active until ${view.status?.activeUntil ?? '-'}`,
          ...identities.map((i) => `  ${i.platform}:${i.externalId} ${i.verified ? 'verified' : 'unverified'}`),
        ]);
      }),
    );

  member
    .command('suspend <handle>')
    .description('suspend a member (they stay listed but earn no status or awards)')
    .requiredOption('--reason <reason>', 'why, for the audit log')
    .option('--json', 'print JSON')
    .action(async (handle: string, options) =>
      withContext(globals(), async ({ store, actor, today }) => {
        const updated = await changeMemberState(
          store.db,
          handle,
          { state: 'suspended', reason: options.reason, effectiveOn: today },
          actor,
        );
        if (options.json) printJson(memberView(updated));
        else printLines([`suspended ${updated.handle}`]);
      }),
    );

  for (const [verb, state, help] of [
    ['reinstate', 'registered', 'lift a suspension or withdrawal'],
    ['withdraw', 'withdrawn', 'record that a member left the program (their profile and history stay)'],
  ] as const) {
    member
      .command(`${verb} <handle>`)
      .description(help)
      .requiredOption('--reason <reason>', 'why, for the audit log')
      .option('--json', 'print JSON')
      .action(async (handle: string, options) =>
        withContext(globals(), async ({ store, actor, today }) => {
          const updated = await changeMemberState(store.db, handle, { state, reason: options.reason, effectiveOn: today }, actor);
          if (options.json) printJson(memberView(updated));
          else printLines([`${updated.handle} is now ${updated.state}`]);
        }),
      );
  }

  member
    .command('flag <handle>')
    .description('mark a member as program staff or a bot (both are excluded from awards)')
    .option('--staff <yes|no>', 'program staff')
    .option('--bot <yes|no>', 'bot account')
    .action(async (handle: string, options) =>
      withContext(globals(), async ({ store, actor }) => {
        const yesNo = (value: string | undefined, name: string) => {
          if (value === undefined) return undefined;
          if (value !== 'yes' && value !== 'no') throw new Error(`--${name}: expected yes or no, got "${value}"`);
          return value === 'yes';
        };
        const updated = await setMemberFlags(
          store.db,
          handle,
          { isStaff: yesNo(options.staff, 'staff'), isBot: yesNo(options.bot, 'bot') },
          actor,
        );
        printLines([`${updated.handle}: staff ${updated.is_staff ? 'yes' : 'no'}, bot ${updated.is_bot ? 'yes' : 'no'}`]);
      }),
    );

  member
    .command('remove <handle>')
    .description('erase a member: profile, identities and contributions; their identities are never re-created')
    .action(async (handle: string) =>
      withContext(globals(), async ({ store, actor }) => {
        await removeMember(store.db, handle, actor);
        printLines([`erased ${handle}`]);
      }),
    );
}
