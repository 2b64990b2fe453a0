import { spawn } from 'node:child_process';

export interface ChildResult {
  code: number | null;
  out: string;
  err: string;
}

/** Runs a fresh `node` with these arguments, collecting its output; killed after `timeoutMs`. */
export function runNode(args: string[], options: { cwd: string; env: Record<string, string>; timeoutMs?: number }): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}
