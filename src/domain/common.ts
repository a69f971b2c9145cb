import { z } from 'zod';
import { ID_MAX_LENGTH, TEXT_MAX_LENGTH } from './limits';

/** Ids end up in Cosmos ids and instance ids: no `/ \ ? #`, no spaces. */
export const IdSchema = z
  .string()
  .min(1)
  .max(ID_MAX_LENGTH)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/,
    'Use letters, digits and _ . : - (starting with a letter or digit)',
  );

export const TextSchema = z.string().trim().min(1).max(TEXT_MAX_LENGTH);

export const IsoDateTimeSchema = z.iso.datetime({ offset: true });

export const EmailSchema = z.email().max(254);
