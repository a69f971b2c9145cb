import { type Containers } from '../../../../src/data/dataStore';

/**
 * Every document anywhere that mentions the id, with volatile fields (timestamps, random
 * tracking numbers, one-time tokens) removed and the id and random references masked, so two runs for different ids
 * can be compared.
 */
export async function documentState(containers: Containers, id: string): Promise<string[]> {
  const docs: unknown[] = [];
  for (const container of Object.values(containers)) {
    const { resources } = await container.items.query<Record<string, unknown>>('SELECT * FROM c').fetchAll();
    for (const doc of resources) {
      const text = JSON.stringify(doc);
      if (!text.includes(id)) continue;
      const stable = Object.fromEntries(
        Object.entries(doc).filter(
          ([k]) =>
            !k.startsWith('_') &&
            !/At$/.test(k) &&
            k !== 'trackingNumber' &&
            k !== 'link' &&
            k !== 'tokenHash',
        ),
      );
      // Payment token references are random per request, like the token documents' ids.
      const masked = JSON.stringify(stable)
        .split(id)
        .join('<id>')
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<ref>');
      docs.push(JSON.parse(masked));
    }
  }
  return docs.map((d) => JSON.stringify(d)).sort();
}

/** An activity result with the id masked and random tracking numbers blanked. */
export function maskedResult(value: unknown, id: string): string {
  return (JSON.stringify(value) ?? 'undefined')
    .split(id)
    .join('<id>')
    .replace(/TRK[0-9A-F]+/g, 'TRK');
}
