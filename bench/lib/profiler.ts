import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { summarizeProfile, type ProfileSummary } from './cpu-profile.js';

/**
 * Samples the CPU of this process during one section only (unlike `node --cpu-prof`, which covers
 * the whole process, seeding included), writes a .cpuprofile for Chrome DevTools / speedscope and
 * returns a summary by owner (package or repo folder) and function.
 */
export async function profileSection<T>(
  directory: string | undefined,
  name: string,
  section: () => Promise<T>,
): Promise<{ value: T; profile?: ProfileSummary & { file: string } }> {
  if (!directory) return { value: await section() };
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  const file = path.join(directory, `${name}.cpuprofile`);
  let value: T;
  try {
    value = await section();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(directory, { recursive: true });
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  }
  return { value, profile: { file, ...summarizeProfile(file, 12) } };
}
