/**
 * The only module that touches HiGHS. Uses the persistent array API of highs ≥ 1.15.3 (full double
 * precision; the legacy text API returns ~6 digits) inside `withModel` so Wasm memory is always freed,
 * and always sets a time limit (HiGHS' QP can cycle, its MIP can run long).
 */
import loadHighs from 'highs';
import type { Highs } from 'highs';
import type { LinearModel } from './model-builder';

let runtime: Promise<Highs> | undefined;

/** The Wasm runtime, loaded once per process (~30 ms). */
export function highsRuntime(): Promise<Highs> {
  runtime ??= loadHighs();
  return runtime;
}

/** Lower triangle of Q, column-wise (HiGHS minimises ½xᵀQx + cᵀx). */
export interface TriangularHessian {
  starts: number[];
  indices: number[];
  values: number[];
}

export interface SolveOptions {
  maximize: boolean;
  timeLimitSeconds: number;
  mipRelGap?: number;
  hessian?: TriangularHessian;
}

export type SolveLabel = 'optimal' | 'time-limit-feasible' | 'infeasible' | 'unbounded' | 'no-solution' | 'error';

export interface SolveOutcome {
  label: SolveLabel;
  modelStatus: number;
  /** Column values (empty when there is no usable solution). */
  x: number[];
  objective: number;
  mipGap: number;
  solveTimeMs: number;
  message?: string;
}

const STATUS = { optimal: 7, infeasible: 8, unboundedOrInfeasible: 9, unbounded: 10, timeLimit: 13, iterationLimit: 14 } as const;
const FEASIBLE_SOLUTION = 2;

export async function solveModel(model: LinearModel, opts: SolveOptions): Promise<SolveOutcome> {
  const highs = await highsRuntime();
  const started = performance.now();
  const isMip = model.integrality.some((v) => v !== 0);
  const inf = highs.infinity;
  const clamp = (a: number[]): number[] => a.map((v) => (v === Infinity ? inf : v === -Infinity ? -inf : v));
  try {
    return highs.withModel(
      {
        numCols: model.numCols,
        numRows: model.numRows,
        sense: opts.maximize ? highs.constants.objectiveSense.maximize : highs.constants.objectiveSense.minimize,
        colCost: model.colCost,
        colLower: clamp(model.colLower),
        colUpper: clamp(model.colUpper),
        rowLower: clamp(model.rowLower),
        rowUpper: clamp(model.rowUpper),
        matrix: { format: 'csr', numRows: model.numRows, numCols: model.numCols, starts: model.starts, indices: model.indices, values: model.values },
        ...(isMip ? { integrality: model.integrality as Array<0 | 1> } : {}),
        ...(opts.hessian ? { hessian: { format: 'triangular' as const, dimension: model.numCols, ...opts.hessian } } : {}),
      },
      (m): SolveOutcome => {
        m.options.set({ output_flag: false, time_limit: opts.timeLimitSeconds, random_seed: 1 });
        if (isMip && opts.mipRelGap !== undefined) m.options.set({ mip_rel_gap: opts.mipRelGap });
        const run = m.run();
        const status = run.modelStatus as number;
        const solveTimeMs = performance.now() - started;
        const hasSolution = Number(m.info.get('primal_solution_status')) === FEASIBLE_SOLUTION;
        const mipGap = isMip ? Number(m.info.get('mip_gap')) : 0;
        const read = (): number[] => Array.from(m.getSolution().colValue);
        if (status === STATUS.optimal) return { label: 'optimal', modelStatus: status, x: read(), objective: m.getObjectiveValue(), mipGap: Math.max(0, mipGap), solveTimeMs };
        if ((status === STATUS.timeLimit || status === STATUS.iterationLimit) && hasSolution) {
          return { label: 'time-limit-feasible', modelStatus: status, x: read(), objective: m.getObjectiveValue(), mipGap, solveTimeMs };
        }
        const label: SolveLabel =
          // Our models are bounded, so "unbounded or infeasible" (MIP presolve) means infeasible.
          status === STATUS.infeasible || status === STATUS.unboundedOrInfeasible ? 'infeasible' : status === STATUS.unbounded ? 'unbounded' : status === STATUS.timeLimit || status === STATUS.iterationLimit ? 'no-solution' : 'error';
        return { label, modelStatus: status, x: [], objective: NaN, mipGap: Infinity, solveTimeMs };
      },
    );
  } catch (err) {
    return { label: 'error', modelStatus: -1, x: [], objective: NaN, mipGap: Infinity, solveTimeMs: performance.now() - started, message: err instanceof Error ? err.message : String(err) };
  }
}
