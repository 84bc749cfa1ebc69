/**
 * zod/mini for the modules every rule bundle loads (config-event, parameters, rule-metadata, org-snapshot,
 * break-glass): its functional API lets esbuild keep only the schemas and checks used, ~25 KB of minified
 * JavaScript where classic zod's methods keep ~95 KB (ARCHITECTURE.md, "Lean bundles"). Same core, same
 * issues; only the English messages have to be loaded here, which classic zod does on import and mini does
 * not, so the messages the tests and annotations name stay word for word the same.
 */
import { en } from 'zod/locales';
import { config } from 'zod/mini';

config(en());

export * from 'zod/mini';
