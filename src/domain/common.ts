import { z } from 'zod';
import { TEXT_MAX_LENGTH } from './limits';

export const TextSchema = z.string().trim().min(1).max(TEXT_MAX_LENGTH);

export const IsoDateTimeSchema = z.iso.datetime({ offset: true });

export const EmailSchema = z.email().max(254);

/** Messages that quote what came from elsewhere (a host's answer, a thrown error) stay this short. */
const MESSAGE_MAX_LENGTH = 500;

export function clip(text: string, max = MESSAGE_MAX_LENGTH): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}
