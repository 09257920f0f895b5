/**
 * Block Kit building blocks and Slack's limits (pure). Limits from reference/external-apis.md §5:
 * 50 blocks per message, section text ≤ 3000, ≤ 10 fields of ≤ 2000, header ≤ 150, and
 * `msg_blocks_too_long` observed at ≈13.2k characters across a message's blocks.
 */

export type TextObject = { type: 'mrkdwn' | 'plain_text'; text: string };
export type Block =
  | { type: 'header'; text: TextObject }
  | { type: 'section'; text?: TextObject; fields?: TextObject[] }
  | { type: 'context'; elements: TextObject[] }
  | { type: 'divider' };

export interface SlackMessage {
  /** Fallback/notification text. */
  text: string;
  blocks: Block[];
}

export interface SlackLimits {
  maxBlocks: number;
  maxSectionChars: number;
  maxFields: number;
  maxFieldChars: number;
  maxHeaderChars: number;
  /** Total characters of block text per message, kept below the observed ≈13.2k rejection. */
  maxMessageChars: number;
}

export const SLACK_LIMITS: SlackLimits = { maxBlocks: 50, maxSectionChars: 3000, maxFields: 10, maxFieldChars: 2000, maxHeaderChars: 150, maxMessageChars: 12_000 };

/** mrkdwn control characters (Slack requires &, <, > escaped in text). */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function clip(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, Math.max(0, max - 1)) + '…';
}

export const mrkdwn = (text: string): TextObject => ({ type: 'mrkdwn', text });

export function header(text: string, limits = SLACK_LIMITS): Block {
  return { type: 'header', text: { type: 'plain_text', text: clip(text, limits.maxHeaderChars) } };
}

export function section(text: string, limits = SLACK_LIMITS): Block {
  return { type: 'section', text: mrkdwn(clip(text, limits.maxSectionChars)) };
}

/** `*label*\nvalue` pairs as section fields, ten per block. */
export function fieldBlocks(pairs: Array<[string, string]>, limits = SLACK_LIMITS): Block[] {
  const out: Block[] = [];
  for (let i = 0; i < pairs.length; i += limits.maxFields) {
    out.push({ type: 'section', fields: pairs.slice(i, i + limits.maxFields).map(([k, v]) => mrkdwn(clip(`*${k}*\n${v}`, limits.maxFieldChars))) });
  }
  return out;
}

export function context(text: string, limits = SLACK_LIMITS): Block {
  return { type: 'context', elements: [mrkdwn(clip(text, limits.maxSectionChars))] };
}

/**
 * A titled list of lines as as many section blocks as it takes, each ≤ maxSectionChars: in a
 * ``` code block (monospace table) or as plain mrkdwn lines (rows that carry links, which code
 * blocks would not render). A line too long for one block on its own is clipped.
 */
export function linesToSections(title: string, lines: string[], mode: 'code' | 'mrkdwn', limits = SLACK_LIMITS): Block[] {
  const fence = mode === 'code' ? '```' : '';
  const wrap = (head: string, body: string[]) => `${head}\n${fence}${fence ? '\n' : ''}${body.join('\n')}${fence ? '\n' : ''}${fence}`;
  const out: Block[] = [];
  let chunk: string[] = [];
  const headOf = () => (out.length === 0 ? `*${title}*` : `*${title} (continued)*`);
  for (const raw of lines) {
    const room = limits.maxSectionChars - wrap(`*${title} (continued)*`, []).length - 1;
    const line = clip(raw, room);
    if (chunk.length && wrap(headOf(), [...chunk, line]).length > limits.maxSectionChars) {
      out.push(section(wrap(headOf(), chunk), limits));
      chunk = [];
    }
    chunk.push(line);
  }
  if (chunk.length || out.length === 0) out.push(section(wrap(headOf(), chunk.length ? chunk : ['(none)']), limits));
  return out;
}

/** Characters of text a block carries (what Slack's payload limit counts, roughly). */
export function blockChars(b: Block): number {
  switch (b.type) {
    case 'header':
      return b.text.text.length;
    case 'section':
      return (b.text?.text.length ?? 0) + (b.fields ?? []).reduce((s, f) => s + f.text.length, 0);
    case 'context':
      return b.elements.reduce((s, e) => s + e.text.length, 0);
    default:
      return 0;
  }
}

/**
 * Splits blocks into messages within the block and character budgets: the first message, then
 * thread replies. Every message of a split report says so (a context block, budgeted for).
 */
export function paginate(blocks: Block[], fallback: string, title: string, limits = SLACK_LIMITS): SlackMessage[] {
  const NOTE_CHARS = 200;
  const pages: Block[][] = [];
  let page: Block[] = [];
  let chars = 0;
  for (const b of blocks) {
    const n = blockChars(b);
    if (page.length && (page.length + 1 > limits.maxBlocks - 1 || chars + n > limits.maxMessageChars - NOTE_CHARS)) {
      pages.push(page);
      page = [];
      chars = 0;
    }
    page.push(b);
    chars += n;
  }
  if (page.length) pages.push(page);
  if (pages.length <= 1) return [{ text: fallback, blocks: pages[0] ?? [] }];
  return pages.map((p, i) =>
    i === 0
      ? { text: fallback, blocks: [...p, context(`:thread: The report is too long for one Slack message: it continues in this thread (${pages.length - 1} more message${pages.length > 2 ? 's' : ''}).`, limits)] }
      : { text: `${title} (part ${i + 1}/${pages.length})`, blocks: [context(`Part ${i + 1}/${pages.length} of ${esc(title)}`, limits), ...p] },
  );
}
