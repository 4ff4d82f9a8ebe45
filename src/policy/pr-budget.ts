/**
 * The hourly cap on PRs driftgate opens per installation (`limits.prs_per_hour`), so a
 * first scan of a drifted estate does not bury a team in fifty PRs. Drifts over the cap
 * are not lost: the dashboard counts them and the next scan opens them.
 */
const HOUR_MS = 60 * 60_000;

export class PullRequestBudget {
  private readonly opened = new Map<string, number[]>();

  /** PRs still allowed for `key` in the hour before `now`. */
  remaining(key: string, perHour: number, now: Date): number {
    const recent = (this.opened.get(key) ?? []).filter((time) => now.getTime() - time < HOUR_MS);
    this.opened.set(key, recent);
    return Math.max(0, perHour - recent.length);
  }

  /** Take one PR from the budget if any is left. */
  take(key: string, perHour: number, now: Date): boolean {
    if (this.remaining(key, perHour, now) === 0) return false;
    this.opened.get(key)!.push(now.getTime());
    return true;
  }
}
