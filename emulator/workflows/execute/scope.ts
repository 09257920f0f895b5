/**
 * Variable scopes. A (sub)workflow call owns one scope (variables are function-scoped); a parallel
 * branch or iteration gets a child scope whose writes go to the parent only for `shared` variables,
 * everything else it creates is branch-local. Memory is accounted per assignment against the
 * execution-wide 512 KB budget by tracking each variable's size, never by re-measuring all variables.
 */
import type { WfValue } from '../values';
import { LIMITS, resourceLimit, sizeOf } from '../limits';

export class MemoryBudget {
  used = 0;
  constructor(readonly limit: number = LIMITS.maxVariableBytes) {}
  change(delta: number): void {
    this.used += delta;
    if (delta > 0 && this.used > this.limit) {
      this.used -= delta;
      throw resourceLimit(`memory limit exceeded: variables use more than ${this.limit} bytes`);
    }
  }
}

export class Scope {
  readonly vars = new Map<string, WfValue>();
  private readonly sizes = new Map<string, number>();

  constructor(
    readonly budget: MemoryBudget,
    readonly parent: Scope | null = null,
    readonly shared: ReadonlySet<string> | null = null,
  ) {}

  /** The value, or undefined when no enclosing scope defines the name. */
  lookup(name: string): WfValue | undefined {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    let s: Scope | null = this;
    while (s) {
      const v = s.vars.get(name);
      if (v !== undefined || s.vars.has(name)) return v;
      s = s.parent;
    }
    return undefined;
  }

  has(name: string): boolean {
    return this.lookup(name) !== undefined;
  }

  /** The scope that holds `name` for writing from here: own, or a shared ancestor. */
  ownerOf(name: string): Scope | null {
    if (this.vars.has(name)) return this;
    if (this.parent && this.shared && this.shared.has(name)) return this.parent.ownerOf(name) ?? this.parent;
    return null;
  }

  /** Assigns `name`, creating it in the scope that owns it (see class comment). */
  set(name: string, value: WfValue, size = sizeOf(value)): void {
    const owner = this.ownerOf(name) ?? this;
    owner.store(name, value, size);
  }

  private store(name: string, value: WfValue, size: number): void {
    const old = this.sizes.get(name) ?? 0;
    this.budget.change(size - old);
    this.vars.set(name, value);
    this.sizes.set(name, size);
  }

  /** Adjusts the recorded size after an in-path update (`m.k: v`) without re-measuring `m`. */
  setWithDelta(name: string, value: WfValue, delta: number): void {
    const owner = this.ownerOf(name);
    if (!owner) return this.set(name, value);
    const old = owner.sizes.get(name) ?? 0;
    owner.budget.change(delta);
    owner.vars.set(name, value);
    owner.sizes.set(name, old + delta);
  }

  delete(name: string): void {
    if (!this.vars.has(name)) return;
    this.budget.change(-(this.sizes.get(name) ?? 0));
    this.vars.delete(name);
    this.sizes.delete(name);
  }

  /** Frees every branch-local variable (end of a parallel branch). */
  release(): void {
    for (const name of [...this.vars.keys()]) this.delete(name);
  }
}
