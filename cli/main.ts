/** Entry of the compiled CLI (`npm run build:cli` → dist/rootguard.cjs, loaded by bin/rootguard.js). */
import { main } from './index';

main();
