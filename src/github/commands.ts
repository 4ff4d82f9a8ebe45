/**
 * `/driftgate …` comment commands, parsed. Pure: no GitHub here. A comment may carry one
 * command on a line of its own; anything else in the comment is conversation.
 */
export type Command =
  | { kind: 'codify' }
  | { kind: 'revert' }
  | { kind: 'rescan' }
  | { kind: 'explain' }
  | { kind: 'help' }
  | { kind: 'undo' }
  /** Close a stack's circuit breaker (the PR's stack, or the named one on the dashboard). */
  | { kind: 'resume'; stack: string | undefined }
  | { kind: 'ignore'; days: number | undefined; reason: string | undefined }
  /** Assign the PR to a learner (the author of the comment when no login is given). */
  | { kind: 'handson'; login: string | undefined }
  | { kind: 'unknown'; text: string };

const DURATION = /^for\s+(\d+)\s*(d|day|days|w|week|weeks)\b\s*/i;

export function parseCommand(body: string | null | undefined): Command | undefined {
  const line = (body ?? '')
    .split(/\r?\n/)
    .map((candidate) => candidate.trim())
    .find((candidate) => /^\/driftgate\b/.test(candidate));
  if (!line) return undefined;
  const rest = line.replace(/^\/driftgate\b\s*/, '');
  const [word = '', ...args] = rest.split(/\s+/);
  switch (word.toLowerCase()) {
    case 'codify':
    case 'revert':
    case 'rescan':
    case 'explain':
    case 'help':
    case 'undo':
      return args.length === 0
        ? { kind: word.toLowerCase() as 'codify' }
        : { kind: 'unknown', text: rest };
    case 'resume':
      return args.length <= 1
        ? { kind: 'resume', stack: args[0] || undefined }
        : { kind: 'unknown', text: rest };
    case 'handson': {
      if (args.length > 1) return { kind: 'unknown', text: rest };
      if (args.length === 0) return { kind: 'handson', login: undefined };
      const login = /^@?([A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38})$/.exec(args[0]!)?.[1];
      return login ? { kind: 'handson', login } : { kind: 'unknown', text: rest };
    }
    case 'ignore': {
      let tail = rest.slice(word.length).trim();
      let days: number | undefined;
      const duration = DURATION.exec(tail);
      if (duration) {
        days = Number(duration[1]) * (duration[2]!.toLowerCase().startsWith('w') ? 7 : 1);
        tail = tail.slice(duration[0].length);
      }
      return { kind: 'ignore', days, reason: tail.trim() || undefined };
    }
    default:
      return { kind: 'unknown', text: rest };
  }
}

export const COMMAND_HELP = [
  'driftgate commands (on a driftgate pull request; write access required):',
  '',
  '- `/driftgate codify` — switch this PR to codifying the live change into the code',
  '- `/driftgate revert` — switch this PR to reverting live state to the code',
  '- `/driftgate rescan` — scan this stack again now',
  '- `/driftgate ignore [for <N> days|weeks] [reason]` — close this PR and propose an `ignore` rule (with you as owner) in `.github/driftgate.yml`',
  '- `/driftgate handson [@user]` — assign this PR to a learner (you, if no one is named) to fix by hand: a checklist, auto-merge held (training mode)',
  '- `/driftgate explain` — say why this PR proposes what it does',
  '- `/driftgate undo` — on a merged driftgate PR: open a PR that takes the remediation back',
  "- `/driftgate resume [stack]` — close a stack's circuit breaker (on a PR of the stack, or on the dashboard; without a stack there, every open one)",
  '- `/driftgate help` — this message',
].join('\n');

/** Roles that may command driftgate (GitHub's permission levels). */
export function canCommand(permission: string | undefined, roleName?: string): boolean {
  return (
    permission === 'admin' ||
    permission === 'write' ||
    roleName === 'maintain' ||
    roleName === 'admin' ||
    roleName === 'write'
  );
}
