import { z } from 'zod';

// zod 4 compiles object parsers with new Function() unless told not to; the renderer's CSP
// (script-src 'self', no 'unsafe-eval') forbids that, and even zod's probe for it is reported
// as a CSP violation. Imported first by main.tsx, before any schema parses.
z.config({ jitless: true });
