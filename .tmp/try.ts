import * as z from 'zod/mini';
import { articleInputSchema } from '../functions/domain/article-input.ts';
console.log(
  JSON.stringify(z.toJSONSchema(articleInputSchema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }), null, 1).slice(
    0,
    3000,
  ),
);
