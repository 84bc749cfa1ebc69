/**
 * A paginated SDK list mocked at Client#send, page by page: the first page answers a request without a token,
 * each later one the token the page before handed back; every page but the last hands one back. One builder,
 * so a test says which items each page holds, not how its service spells the token.
 */
import type { AwsClientStub } from 'aws-sdk-client-mock';

export interface Paging {
  /** The request's token field (`NextToken`, `nextToken`, `Marker`). */
  in: string;
  /** The response's token field. */
  out: string;
  /** The response's list field (`Rules`, `metricFilters`). */
  items: string;
}

export function givenPages(
  // biome-ignore lint/suspicious/noExplicitAny: the stubs of different clients share no type
  mock: AwsClientStub<any>,
  // biome-ignore lint/suspicious/noExplicitAny: any command of that client
  command: any,
  paging: Paging,
  pages: readonly (readonly unknown[])[],
  /** Narrows the match beyond the token (ListTargetsByRule's Rule). */
  input: Record<string, unknown> = {},
): void {
  const token = (index: number) => `${paging.items}-page-${index + 1}`;
  pages.forEach((items, index) => {
    mock.on(command, { ...input, [paging.in]: index === 0 ? undefined : token(index) }).resolves({
      [paging.items]: items,
      ...(index < pages.length - 1 ? { [paging.out]: token(index + 1) } : {}),
    });
  });
}
