/**
 * Every page of a paginated AWS read. A token handed back twice would loop for ever (and count the same
 * evaluations or events twice), so it is a RepeatedPageTokenError naming the action.
 */
import { RepeatedPageTokenError } from '../../lib/errors';

export interface Page<T, K> {
  items: readonly T[] | undefined;
  next: K | undefined;
}

/** `key` makes a token comparable (DynamoDB's LastEvaluatedKey is an object). */
export async function readAllPages<T, K>(
  action: string,
  read: (token: K | undefined) => Promise<Page<T, K>>,
  key: (token: K) => string = (token) => String(token),
): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let token: K | undefined;
  do {
    const page = await read(token);
    items.push(...(page.items ?? []));
    token = page.next === undefined || page.next === null || page.next === '' ? undefined : page.next;
    if (token !== undefined) {
      const id = key(token);
      if (seen.has(id)) {
        throw new RepeatedPageTokenError(`${action} returned the page token ${id} twice`, { action });
      }
      seen.add(id);
    }
  } while (token !== undefined);
  return items;
}
