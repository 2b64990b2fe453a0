import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DESK_CACHE_CONTROL, deskAssets } from '../desk/assets.js';

/** `npm run build:desk -- [folder]`: writes the desk's files, as the CDN serves them under `/desk/`, into a folder. */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function writeDesk(folder: string): Promise<string[]> {
  const written: string[] = [];
  for (const asset of deskAssets()) {
    const file = path.join(folder, asset.key.replace(/^desk\//, ''));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, asset.body);
    written.push(file);
  }
  return written;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const folder = path.resolve(process.env.INIT_CWD || process.cwd(), process.argv[2] ?? path.join(root, 'cdk.out', 'desk'));
  for (const file of await writeDesk(folder)) process.stdout.write(`${file}\n`);
  process.stdout.write(`Copy them to the feed bucket (the stack output FeedBucketName):\n`);
  process.stdout.write(
    `  aws s3 sync ${path.relative(process.cwd(), folder) || '.'} "s3://<FeedBucketName>/desk/" --cache-control ${DESK_CACHE_CONTROL} --delete\n`,
  );
}
