/**
 * Progress of a long command on stderr: a bar redrawn in place on a terminal
 * (`[########------]  1,204/20,000  38/s  7m 22s left`), and a plain line every tenth of the way
 * in a log, where redrawing would fill the file. Written here rather than taken from a library:
 * it is one line of output, and the commands already own the rest of their terminal output.
 */

export interface ProgressStream {
  isTTY?: boolean | undefined;
  write(text: string): unknown;
}

const WIDTH = 24;
const REDRAW_MS = 100;

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '…';
  const whole = Math.max(0, Math.round(seconds));
  if (whole < 60) return `${whole}s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes}m ${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

export class ProgressBar {
  private done = 0;
  private readonly started: number;
  private lastDrawn = Number.NEGATIVE_INFINITY;
  private lastTenth = 0;
  private readonly count = new Intl.NumberFormat('en');

  constructor(
    private readonly total: number,
    private readonly stream: ProgressStream,
    private readonly label: string,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.started = now();
  }

  /** The line as it stands: count, rate and time left. */
  line(): string {
    const elapsed = (this.now() - this.started) / 1000;
    const rate = elapsed > 0 ? this.done / elapsed : 0;
    const left = rate > 0 ? (this.total - this.done) / rate : Number.POSITIVE_INFINITY;
    const filled = this.total ? Math.round((this.done / this.total) * WIDTH) : WIDTH;
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}]`;
    const counts = `${this.count.format(this.done)}/${this.count.format(this.total)}`;
    return `${this.label} ${bar} ${counts}  ${rate.toFixed(rate < 10 ? 1 : 0)}/s  ${this.done === this.total ? `${duration(elapsed)} in all` : `${duration(left)} left`}`;
  }

  tick(): void {
    this.done++;
    if (this.stream.isTTY) {
      const now = this.now();
      if (now - this.lastDrawn >= REDRAW_MS || this.done === this.total) {
        this.lastDrawn = now;
        this.stream.write(`\r${this.line()}\u001b[K`);
      }
      return;
    }
    const tenth = this.total ? Math.floor((this.done * 10) / this.total) : 10;
    if (tenth > this.lastTenth) {
      this.lastTenth = tenth;
      this.stream.write(`${this.line()}\n`);
    }
  }

  /** Ends the bar's line on a terminal, so that what follows starts on its own. */
  finish(): void {
    if (this.stream.isTTY && this.lastDrawn > Number.NEGATIVE_INFINITY) this.stream.write('\n');
  }

  /** Writes a message above the bar without breaking it. */
  interrupt(write: () => void): void {
    if (this.stream.isTTY && this.lastDrawn > Number.NEGATIVE_INFINITY) this.stream.write('\r\u001b[K');
    write();
    if (this.stream.isTTY && this.lastDrawn > Number.NEGATIVE_INFINITY) this.stream.write(`${this.line()}\u001b[K`);
  }
}
