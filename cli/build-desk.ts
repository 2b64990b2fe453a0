import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeDeskFiles } from '../desk/assets.js';

/**
 * `npm run build:desk -- [folder]`: writes the desk's files, as the CDN serves them under `/desk/`,
 * into a folder (default `cdk.out/desk`). The stack's bundling of the regenerator uses it.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// The stack's bundling of the regenerator runs this with the folder to fill, and wants it quiet.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const folder = process.argv[2];
  const written = await writeDeskFiles(path.resolve(process.env.INIT_CWD || process.cwd(), folder ?? path.join(root, 'cdk.out', 'desk')));
  if (!folder) for (const file of written) process.stdout.write(`${file}\n`);
}
