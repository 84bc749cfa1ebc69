/**
 * Every registered rule (rules/index.ts RULES) has a property spec (issue 16, part 1):
 * test/unit/properties/rules/<id>.property.test.ts, built on test/helpers/rule-properties.ts (arbitraries of
 * its facts, an oracle from its documented condition). A rule added without one fails here, unless its id is in
 * PENDING: rules that were being added in parallel with the property suite. The lead empties PENDING as each
 * gets its spec; a pending id that now has a spec (or is no rule at all) fails too, so the list only shrinks.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RULE_IDS } from '../../rules';

const PENDING: readonly string[] = [];

const specOf = (id: string) => join(__dirname, '..', 'unit', 'properties', 'rules', `${id}.property.test.ts`);

describe('property specs', () => {
  it('every registered rule has a property spec, or is pending', () => {
    // Act
    const missing = RULE_IDS.filter((id) => !existsSync(specOf(id)) && !PENDING.includes(id));

    // Assess
    expect(missing).toEqual([]);
  });

  it('PENDING only lists registered rules still without a spec (remove an id once its spec exists)', () => {
    // Act
    const stale = PENDING.filter((id) => RULE_IDS.includes(id) && existsSync(specOf(id)));

    // Assess
    expect(stale).toEqual([]);
  });
});
