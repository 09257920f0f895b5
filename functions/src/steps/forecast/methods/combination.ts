/**
 * Forecast combinations: averaging a few diverse methods cancels part of their individual errors
 * (the M4 "Comb" benchmark; Petropoulos & Svetunkov 2020). Parameters of the members are stored
 * back to back: [len0, ...params0, len1, ...params1, ...].
 */
import type { ForecastMethod, MethodName, MethodParams } from '../types';

export function combination(name: MethodName, members: readonly ForecastMethod[], how: 'mean' | 'median'): ForecastMethod {
  const scratch: Float64Array[] = members.map(() => new Float64Array(64));
  const column = new Float64Array(members.length);
  return {
    name,
    fit(train): MethodParams {
      const parts = members.map((m) => m.fit(train));
      const out = new Float64Array(parts.reduce((s, p) => s + p.length + 1, 0));
      let k = 0;
      for (const p of parts) {
        out[k++] = p.length;
        out.set(p, k);
        k += p.length;
      }
      return out;
    },
    forecast(train, h, params, out) {
      let k = 0;
      for (let i = 0; i < members.length; i++) {
        const len = params[k++];
        if (scratch[i].length < h) scratch[i] = new Float64Array(h);
        members[i].forecast(train, h, params.subarray(k, k + len), scratch[i]);
        k += len;
      }
      const m = members.length;
      for (let j = 0; j < h; j++) {
        if (how === 'mean') {
          let s = 0;
          for (let i = 0; i < m; i++) s += scratch[i][j];
          out[j] = s / m;
        } else {
          for (let i = 0; i < m; i++) column[i] = scratch[i][j];
          column.sort();
          out[j] = m % 2 ? column[(m - 1) / 2] : 0.5 * (column[m / 2 - 1] + column[m / 2]);
        }
      }
    },
  };
}
