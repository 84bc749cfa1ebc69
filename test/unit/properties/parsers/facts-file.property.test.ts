import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../../../../cli/errors';
import { type FactsFile, loadFactsFile } from '../../../../cli/facts-file';
import { ownAt } from '../../../helpers/mutations';
import { describeParserProperties } from '../../../helpers/parser-properties';
import { useTempDir } from '../../../helpers/temp-dir';

const SAMPLE = JSON.parse(readFileSync(join(__dirname, '../../../../examples/sample-org.json'), 'utf8'));
const dir = useTempDir('rootguard-facts-fuzz-');

// Facts files `rootguard scan --facts` reads (cli/facts-file.ts), from the file's text.
describe('facts file', () => {
  describeParserProperties<FactsFile>({
    input: 'text',
    cases: [{ name: 'examples/sample-org.json', sample: SAMPLE }],
    parse: (text) => {
      const path = join(dir(), 'facts.json');
      writeFileSync(path, text as string);
      return loadFactsFile(path);
    },
    isTypedError: (error) => error instanceof CliError && /facts file/i.test(error.message),
    // Every account of the file is read, none invented or dropped, and each keeps its own id.
    invariant: (file, mutated) => {
      const accounts = ownAt(mutated.value, ['accounts']) as { accountId: string }[];
      expect(file.accounts.map((a) => a.accountId)).toEqual(accounts.map((a) => a.accountId));
    },
    runs: 60,
  });
});
