/**
 * How an outbox document is shown in devhost's log: its id, its kind, and every link it carries.
 * Everything comes from the app's documents (an approval's subject is user input), so every value
 * is printed with control characters escaped and at a bounded length. Pure.
 */
import { printable } from '../../log/printable';

export type OutboxDocument = Record<string, unknown> & { id: string; _ts?: number };

const SYSTEM = new Set(['_rid', '_self', '_etag', '_attachments', '_ts']);

/** Every http(s) URL anywhere in the document, so an approval link stands out in the log. */
export function findLinks(value: unknown, found: string[] = []): string[] {
  if (typeof value === 'string') {
    for (const match of value.matchAll(/https?:\/\/[^\s"'<>]+/g))
      if (!found.includes(match[0])) found.push(match[0]);
  } else if (Array.isArray(value)) {
    for (const item of value) findLinks(item, found);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) if (!SYSTEM.has(key)) findLinks(item, found);
  }
  return found;
}

export function withoutSystemProperties(doc: OutboxDocument): Record<string, unknown> {
  return Object.fromEntries(Object.entries(doc).filter(([key]) => !SYSTEM.has(key)));
}

function kindOf(doc: OutboxDocument): string | undefined {
  for (const key of ['type', 'kind', 'template', 'subject']) {
    const value = doc[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

export function formatOutboxDocument(doc: OutboxDocument, maxJson = 600): string {
  const kind = kindOf(doc);
  const body = printable(JSON.stringify(withoutSystemProperties(doc)), maxJson);
  const links = findLinks(doc).slice(0, 10);
  const head = `outbox: ${printable(String(doc.id), 200)}${kind ? ` (${printable(kind, 200)})` : ''} ${body}`;
  return links.length === 0
    ? head
    : `${head}\n${links.map((link) => `  link: ${printable(link, 2000)}`).join('\n')}`;
}
