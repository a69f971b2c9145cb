import { type Container, type ItemDefinition } from '@azure/cosmos';
import { isConflict } from './errors';

/**
 * Creates a document with a deterministic id, or returns the one already there: the building
 * block of every idempotent write in the app (a repeated activity finds its own earlier write).
 */
export async function createOnce<T extends ItemDefinition & { id: string }>(
  container: Container,
  doc: T,
  partitionKey: string,
): Promise<{ created: boolean; doc: T }> {
  try {
    const { resource } = await container.items.create<T>(doc);
    return { created: true, doc: resource ?? doc };
  } catch (err) {
    if (!isConflict(err)) throw err;
    const { resource } = await container.item(doc.id, partitionKey).read<T>();
    if (!resource) throw err; // deleted in between: let the caller's retry try again
    return { created: false, doc: resource };
  }
}
