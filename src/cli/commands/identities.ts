// `ambassador identity …`: link a platform identity to a member, verify it by hand, or check
// the verification codes people placed online.
import type { Command } from 'commander';
import { withContext, type GlobalOptions } from '../context.js';
import { printJson, printLines } from '../output.js';
import { identityView } from '../../store/views.js';
import { formatIdentity, parseIdentity, type IdentityRef } from '../../domain/identities.js';
import { UserError } from '../../store/errors.js';
import { linkIdentity, verifyIdentity, type DroppedClaim } from '../../store/identities.js';
import { notifyDroppedClaims } from '../../notify/events.js';
import { commandNotifier } from '../notifier.js';
import { requireMember } from '../../store/members.js';
import { checkIdentities, type IdentityVerdict } from '../../sync/identity-check.js';

function identityArgument(text: string): IdentityRef {
  const parsed = parseIdentity(text);
  if (!parsed.ok) throw new UserError(parsed.error);
  return parsed.identity;
}

function verdictLine(verdict: IdentityVerdict): string {
  const released = verdict.outcome === 'verified' ? `; ${verdict.releasedContributions} waiting contributions now count` : '';
  return `${verdict.member} ${verdict.identity}: ${verdict.outcome}: ${verdict.detail}${released}`;
}

export function registerIdentityCommands(program: Command, globals: () => GlobalOptions): void {
  const identity = program.command('identity').description("link and verify members' public identities");

  identity
    .command('add <handle> <identity>')
    .description('link PLATFORM:ID, e.g. github:jdoe, stackexchange:12345, feed:https://example.com/feed.xml')
    .option('--verified', 'mark it verified now (a manager checked it)')
    .option('--allow-erased', 'link an identity of a person who was erased before, on their request')
    .option('--json', 'print JSON')
    .action(async (handle: string, text: string, options) =>
      withContext(globals(), async ({ store, actor, config }) => {
        const ref = identityArgument(text);
        const member = await requireMember(store.db, handle);
        const dropped: DroppedClaim[] = [];
        const row = await linkIdentity(
          store.db,
          member.id,
          ref,
          { verified: Boolean(options.verified), method: 'manager', allowErased: Boolean(options.allowErased), onDroppedClaims: (claims) => dropped.push(...claims) },
          actor,
        );
        await notifyDroppedClaims(commandNotifier(config, store), store.db, config, dropped);
        if (options.json) printJson(identityView(row));
        else printLines([`linked ${formatIdentity(ref)} to ${member.handle}${row.verified_at ? ' (verified)' : ''}`]);
      }),
    );

  identity
    .command('verify <handle> <identity>')
    .description("mark a linked identity verified (a manager's decision)")
    .option('--json', 'print JSON')
    .action(async (handle: string, text: string, options) =>
      withContext(globals(), async ({ store, actor, config }) => {
        const ref = identityArgument(text);
        const member = await requireMember(store.db, handle);
        const { identity: row, released, dropped } = await verifyIdentity(store.db, member.id, ref, 'manager', actor);
        await notifyDroppedClaims(commandNotifier(config, store), store.db, config, dropped);
        if (options.json) printJson({ ...identityView(row), releasedContributions: released });
        else printLines([`verified ${formatIdentity(ref)} of ${member.handle}; ${released} waiting contributions now count`]);
      }),
    );

  identity
    .command('check')
    .description('check the verification codes of unverified identities online; verify those that pass')
    .option('--member <handle>', "only this member's identities")
    .option('--platform <platform>', 'only identities on this platform (github, stackexchange, feed, ical are checked online)')
    .option('--json', 'print JSON')
    .action(async (options) =>
      withContext(globals(), async ({ store, config }) => {
        const notifier = commandNotifier(config, store);
        const verdicts = await checkIdentities(store.db, config, {
          memberHandle: options.member,
          platform: options.platform,
          onDroppedClaims: (claims) => notifyDroppedClaims(notifier, store.db, config, claims),
        });
        // One line per identity: the details are sentences, too long for table columns.
        if (options.json) printJson(verdicts);
        else if (verdicts.length === 0) printLines(['no unverified identities']);
        else printLines(verdicts.map(verdictLine));
        // A check that could not be made (network, upstream error) is a failure to look at.
        if (verdicts.some((verdict) => verdict.outcome === 'error')) process.exitCode = 1;
      }),
    );
}
