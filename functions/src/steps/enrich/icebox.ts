/**
 * updateIcebox, pure core (DOMAIN.md step 2): a depeg guard per approved token, as a state machine
 * over daily candles (low, close), advanced one UTC day at a time.
 *
 *   lowLine   = peg × (1 − lowPct)      closeLine = peg × (1 − closePct)
 *   add       when low < lowLine on `lowDays` consecutive days, or close < closeLine on `closeDays`
 *             consecutive days (the add happens on the day the streak reaches the count);
 *   remove    when, while iceboxed, low ≥ lowLine on `recoveryLowDays` consecutive days AND
 *             close ≥ closeLine on `recoveryCloseDays` consecutive days.
 *
 * Decisions on what DOMAIN.md leaves open:
 *   - Each day is either "below" (strictly under the line) or "not below" (at or above it); a price
 *     exactly on the line neither counts as a breach nor breaks a recovery.
 *   - "Consecutive" means consecutive calendar days with data: a missing candle (a day absent from
 *     the series, or a null/non-finite low/close) resets the affected streaks, both breach and
 *     recovery. Neither adding nor removing is decided on assumed prices.
 *   - Peg 1.0 for plain stables. Yield-bearing wrappers (sDAI, sUSDe, …) trade above 1 by design, so
 *     they are checked only when the caller supplies a reference price (`pegFor`); otherwise they are
 *     skipped with a warning and their state is left untouched.
 *   - Timestamps are the UTC day of the candle that completed the rule (deterministic on reruns).
 *   - History: every episode (added, removed) is kept; a token can be iceboxed again later, which
 *     opens a new episode.
 *   - Idempotent: candles on or before a token's `lastDate` are ignored, so replaying the same data
 *     changes nothing.
 */
import { addDays } from '../../lib/dates';
import type { ApprovedToken, Params } from '../../lib/params';

export type IceboxSettings = Params['icebox'];

export interface DailyCandle {
  date: string;
  low: number | null;
  close: number | null;
}

export type IceboxRule = 'low' | 'close';

/** One icebox episode of a token. `removedAt === null` while the token is iceboxed. */
export interface IceboxEpisode {
  symbol: string;
  address: string;
  /** Why it was added (both rules when both fired the same day). */
  reason: string;
  rules: IceboxRule[];
  addedAt: string;
  removedAt: string | null;
  removalReason: string | null;
}

/** Per-token counters carried from one run to the next. */
export interface TokenTracker {
  symbol: string;
  lastDate: string | null;
  lowBelow: number;
  closeBelow: number;
  lowNotBelow: number;
  closeNotBelow: number;
}

export interface IceboxState {
  trackers: Record<string, TokenTracker>;
  history: IceboxEpisode[];
}

export interface IceboxEvent {
  type: 'added' | 'removed';
  symbol: string;
  date: string;
  reason: string;
}

export interface IceboxUpdate {
  state: IceboxState;
  events: IceboxEvent[];
  /** Episodes still open after the update. */
  active: IceboxEpisode[];
  warnings: string[];
}

/** Reference price of a token on a day; undefined = no peg known (the token is not checked). */
export type PegFor = (token: ApprovedToken, date: string) => number | undefined;

export const defaultPegFor: PegFor = (token) => (token.kind === 'stable' ? 1.0 : undefined);

export function emptyIceboxState(): IceboxState {
  return { trackers: {}, history: [] };
}

const valid = (v: number | null): v is number => typeof v === 'number' && Number.isFinite(v);

function freshTracker(symbol: string): TokenTracker {
  return { symbol, lastDate: null, lowBelow: 0, closeBelow: 0, lowNotBelow: 0, closeNotBelow: 0 };
}

function fmt(n: number): string {
  return Number(n.toPrecision(10)).toString();
}

/**
 * Advances the icebox with the candles (per approved-token symbol, any order). Returns a new state;
 * the input state is not mutated.
 */
export function updateIcebox(
  prev: IceboxState | undefined,
  tokens: readonly ApprovedToken[],
  candlesBySymbol: Readonly<Record<string, readonly DailyCandle[] | undefined>>,
  settings: IceboxSettings,
  pegFor: PegFor = defaultPegFor,
): IceboxUpdate {
  const state: IceboxState = {
    trackers: Object.fromEntries(Object.entries(prev?.trackers ?? {}).map(([k, t]) => [k, { ...t }])),
    history: (prev?.history ?? []).map((e) => ({ ...e, rules: [...e.rules] })),
  };
  const events: IceboxEvent[] = [];
  const warnings: string[] = [];

  for (const token of tokens) {
    const candles = [...(candlesBySymbol[token.symbol] ?? [])].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    const tracker = state.trackers[token.symbol] ?? freshTracker(token.symbol);
    state.trackers[token.symbol] = tracker;
    let open = state.history.find((e) => e.symbol === token.symbol && e.removedAt === null);
    let warned = false;

    for (const candle of candles) {
      if (tracker.lastDate !== null && candle.date <= tracker.lastDate) continue;
      const peg = pegFor(token, candle.date);
      if (peg === undefined || !Number.isFinite(peg)) {
        if (!warned) warnings.push(`${token.symbol}: no reference price, depeg rules not checked`);
        warned = true;
        continue;
      }
      if (tracker.lastDate !== null && candle.date !== addDays(tracker.lastDate, 1)) {
        // A missing day breaks every streak (consecutive means consecutive calendar days).
        tracker.lowBelow = tracker.closeBelow = tracker.lowNotBelow = tracker.closeNotBelow = 0;
      }
      tracker.lastDate = candle.date;

      const lowLine = peg * (1 - settings.lowPct);
      const closeLine = peg * (1 - settings.closePct);
      if (valid(candle.low)) {
        if (candle.low < lowLine) {
          tracker.lowBelow++;
          tracker.lowNotBelow = 0;
        } else {
          tracker.lowNotBelow++;
          tracker.lowBelow = 0;
        }
      } else {
        tracker.lowBelow = tracker.lowNotBelow = 0;
      }
      if (valid(candle.close)) {
        if (candle.close < closeLine) {
          tracker.closeBelow++;
          tracker.closeNotBelow = 0;
        } else {
          tracker.closeNotBelow++;
          tracker.closeBelow = 0;
        }
      } else {
        tracker.closeBelow = tracker.closeNotBelow = 0;
      }

      if (!open) {
        const rules: IceboxRule[] = [];
        const texts: string[] = [];
        if (tracker.lowBelow >= settings.lowDays) {
          rules.push('low');
          texts.push(`daily low below ${fmt(lowLine)} (peg ${fmt(peg)} × (1 − ${settings.lowPct})) for ${tracker.lowBelow} consecutive day(s) to ${candle.date}`);
        }
        if (tracker.closeBelow >= settings.closeDays) {
          rules.push('close');
          texts.push(`daily close below ${fmt(closeLine)} (peg ${fmt(peg)} × (1 − ${settings.closePct})) for ${tracker.closeBelow} consecutive day(s) to ${candle.date}`);
        }
        if (rules.length > 0) {
          open = { symbol: token.symbol, address: token.address, reason: texts.join('; '), rules, addedAt: candle.date, removedAt: null, removalReason: null };
          state.history.push(open);
          events.push({ type: 'added', symbol: token.symbol, date: candle.date, reason: open.reason });
        }
      } else if (tracker.lowNotBelow >= settings.recoveryLowDays && tracker.closeNotBelow >= settings.recoveryCloseDays) {
        open.removedAt = candle.date;
        open.removalReason =
          `daily low at or above ${fmt(lowLine)} for ${tracker.lowNotBelow} consecutive day(s) and close at or above ` +
          `${fmt(closeLine)} for ${tracker.closeNotBelow} consecutive day(s) to ${candle.date}`;
        events.push({ type: 'removed', symbol: token.symbol, date: candle.date, reason: open.removalReason });
        open = undefined;
      }
    }
  }

  events.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return { state, events, active: state.history.filter((e) => e.removedAt === null), warnings };
}
