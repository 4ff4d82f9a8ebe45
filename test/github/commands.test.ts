import { describe, expect, it } from 'vitest';
import { canCommand, parseCommand } from '../../src/github/commands.js';

describe('comment commands', () => {
  it('finds the command on its own line, anywhere in the comment', () => {
    expect(parseCommand('Looks like a hotfix.\n/driftgate codify\nthanks')).toEqual({
      kind: 'codify',
    });
    expect(parseCommand('/driftgate revert')).toEqual({ kind: 'revert' });
    expect(parseCommand('/driftgate RESCAN')).toEqual({ kind: 'rescan' });
    expect(parseCommand('no command here, not even /driftgate inline')).toBeUndefined();
  });

  it('reads ignore with an optional duration and reason', () => {
    expect(parseCommand('/driftgate ignore')).toEqual({
      kind: 'ignore',
      days: undefined,
      reason: undefined,
    });
    expect(parseCommand('/driftgate ignore for 7d migration in progress')).toEqual({
      kind: 'ignore',
      days: 7,
      reason: 'migration in progress',
    });
    expect(parseCommand('/driftgate ignore for 2 weeks')).toEqual({
      kind: 'ignore',
      days: 14,
      reason: undefined,
    });
    expect(parseCommand('/driftgate ignore vendor manages this tag')).toEqual({
      kind: 'ignore',
      days: undefined,
      reason: 'vendor manages this tag',
    });
  });

  it('calls anything else unknown', () => {
    expect(parseCommand('/driftgate destroy everything')).toEqual({
      kind: 'unknown',
      text: 'destroy everything',
    });
    expect(parseCommand('/driftgate codify now')).toEqual({ kind: 'unknown', text: 'codify now' });
  });

  it('lets write, maintain and admin command; read and triage not', () => {
    expect(canCommand('write')).toBe(true);
    expect(canCommand('admin')).toBe(true);
    expect(canCommand('write', 'maintain')).toBe(true);
    expect(canCommand('read', 'triage')).toBe(false);
    expect(canCommand('read')).toBe(false);
    expect(canCommand(undefined)).toBe(false);
  });
});
