import { config } from 'zod/mini';
import { en } from 'zod/locales';

// zod/mini ships without messages. Checks with no message of their own (a too-long date, an image
// too wide, a settings value out of range) report zod's English wording, as classic zod did; a
// locale someone configured explicitly still wins. Imported for this effect by every module that
// builds a schema.
if (!config().localeError) config(en());
