import { createRuleHandler } from '../../lib/rule-handler';
import { collect } from './collect';
import { evaluate } from './evaluate';
import metadata from './rule.json';

export const handler = createRuleHandler({ metadata, collect, evaluate });
