/**
 * Recognises the CIS "monitor root usage" CloudWatch Logs metric filter by meaning, not by its exact text:
 *
 *   { $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }
 *
 * The pattern is split into `&&` terms outside quoted strings; each term loses its grouping parentheses,
 * its whitespace and its quotes (`"Root"` and `Root` are the same value to CloudWatch Logs), so spacing,
 * parenthesising, quoting and term order do not matter. Values and selectors stay case-sensitive, as
 * CloudWatch Logs compares them.
 *
 * Only a plain conjunction is recognised: a pattern with `||` is reported, not guessed at.
 */

const ROOT = '$.userIdentity.type=Root';
const NO_INVOKED_BY = '$.userIdentity.invokedByNOTEXISTS';
const NOT_SERVICE_EVENT = '$.eventType!=AwsServiceEvent';

export interface RootUsageFilterAnalysis {
  /** `$.userIdentity.type = "Root"` is one of the pattern's `&&` terms. */
  requiresRoot: boolean;
  /** `$.userIdentity.invokedBy NOT EXISTS` is a term (CIS: ignore calls AWS services make as root). */
  excludesInvokedBy: boolean;
  /** `$.eventType != "AwsServiceEvent"` is a term (CIS: ignore events AWS itself records). */
  excludesServiceEvents: boolean;
  /** The pattern uses `||`, so it is not a plain conjunction. */
  usesOr: boolean;
  /** Terms beyond the three CIS ones, as written (trimmed); each narrows what the filter counts. */
  otherConditions: string[];
}

/** Splits `text` at `&&` and `||` outside double-quoted strings; returns the terms and whether `||` occurred. */
function splitTerms(text: string): { terms: string[]; usesOr: boolean } {
  const terms: string[] = [];
  let usesOr = false;
  let current = '';
  let inQuote = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (inQuote) {
      current += c;
      if (c === '\\' && i + 1 < text.length) current += text[++i];
      else if (c === '"') inQuote = false;
      continue;
    }
    const pair = text.slice(i, i + 2);
    if (pair === '&&' || pair === '||') {
      if (pair === '||') usesOr = true;
      terms.push(current);
      current = '';
      i++;
      continue;
    }
    if (c === '"') inQuote = true;
    current += c;
  }
  terms.push(current);
  return { terms, usesOr };
}

/** A term without grouping parentheses, whitespace or quotes outside/around quoted strings. */
function normalise(term: string): string {
  let out = '';
  let inQuote = false;
  for (let i = 0; i < term.length; i++) {
    const c = term[i] as string;
    if (inQuote) {
      if (c === '\\' && i + 1 < term.length) out += term[++i];
      else if (c === '"') inQuote = false;
      else out += c;
    } else if (c === '"') {
      inQuote = true;
    } else if (!/[\s()]/.test(c)) {
      out += c;
    }
  }
  return out;
}

/**
 * Analyses a metric filter pattern. Returns undefined when it is not a JSON filter pattern (`{ … }`), which
 * can never select CloudTrail records by userIdentity.type.
 */
export function analyseRootUsageFilter(filterPattern: string): RootUsageFilterAnalysis | undefined {
  const text = filterPattern.trim();
  if (!text.startsWith('{') || !text.endsWith('}')) return undefined;
  const { terms, usesOr } = splitTerms(text.slice(1, -1));
  const analysis: RootUsageFilterAnalysis = {
    requiresRoot: false,
    excludesInvokedBy: false,
    excludesServiceEvents: false,
    usesOr,
    otherConditions: [],
  };
  for (const term of terms) {
    const canonical = normalise(term);
    if (canonical === ROOT) analysis.requiresRoot = true;
    else if (canonical === NO_INVOKED_BY) analysis.excludesInvokedBy = true;
    else if (canonical === NOT_SERVICE_EVENT) analysis.excludesServiceEvents = true;
    else if (canonical !== '') analysis.otherConditions.push(term.trim());
  }
  return analysis;
}
