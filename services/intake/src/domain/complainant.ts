import { createHash } from 'node:crypto';

/**
 * The key a caller is recognised by: the phone number's digits (a leading +86 or 0086 dropped), hashed.
 * The hash lets lookups and the unique index work on a fixed-size key; the number itself is kept once,
 * beside it, because handlers must call back.
 */
export function phoneHash(phone: string): string {
  const digits = phone.replace(/[^0-9]/g, '').replace(/^(0086|86)(?=1\d{10}$)/, '');
  return createHash('sha256').update(digits).digest('hex');
}

export interface ComplainantRecord {
  id: string;
  district: string;
  phoneHash: string | null;
  name: string | null;
  phone: string | null;
  createdAt: Date;
}
