/**
 * Counts and times the AWS SDK calls the handlers make, through a middleware on their own
 * module-scope clients (the way the stream stand-in watches writes): what one regeneration or one
 * publish costs in round trips, items read, DynamoDB capacity units and bytes written, without
 * touching product code. While recording, DynamoDB calls also ask for their consumed capacity
 * (`ReturnConsumedCapacity: TOTAL`), which dynalite computes from item sizes as DynamoDB bills
 * them (a Query or GetItem by the whole items read, whatever it projects).
 */

type Handler = (args: { input: unknown }) => Promise<{ output?: unknown }>;
interface StackLike {
  add(
    middleware: (next: Handler, context: { commandName?: string }) => Handler,
    options: { step: 'initialize'; name: string; priority: 'high' },
  ): void;
}

export interface CallTotals {
  count: number;
  ms: number;
  /** Items returned by Query, GetItem and BatchGetItem. */
  itemsRead: number;
  /** Body bytes of PutObject. */
  bytesWritten: number;
  /** DynamoDB capacity units the calls consumed (read units for reads, write units for writes). */
  capacityUnits: number;
}

type ConsumedCapacity = { CapacityUnits?: number };

export class CommandStats {
  private recording = false;
  private calls = new Map<string, CallTotals>();
  /** Objects written while recording: key and size. */
  written: { key: string; bytes: number }[] = [];

  attach(client: { middlewareStack: unknown }, service: string): void {
    (client.middlewareStack as StackLike).add(
      (next, context) => async (original) => {
        if (!this.recording) return next(original);
        const args =
          service === 'dynamodb' ? { ...original, input: { ReturnConsumedCapacity: 'TOTAL', ...(original.input as object) } } : original;
        const started = performance.now();
        const result = await next(args);
        const name = `${service} ${String(context.commandName ?? '?').replace(/Command$/, '')}`;
        const totals = this.calls.get(name) ?? { count: 0, ms: 0, itemsRead: 0, bytesWritten: 0, capacityUnits: 0 };
        totals.count++;
        totals.ms += performance.now() - started;
        const output = result.output as
          | {
              Items?: unknown[];
              Item?: unknown;
              Responses?: Record<string, unknown[]>;
              ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[];
            }
          | undefined;
        totals.capacityUnits += [output?.ConsumedCapacity ?? []].flat().reduce((sum, consumed) => sum + (consumed.CapacityUnits ?? 0), 0);
        totals.itemsRead +=
          (output?.Items?.length ?? 0) +
          (output?.Item ? 1 : 0) +
          Object.values(output?.Responses ?? {}).reduce((sum, list) => sum + list.length, 0);
        const input = args.input as { Key?: unknown; Body?: unknown };
        if (name.endsWith('PutObject')) {
          const bytes = Buffer.isBuffer(input.Body) || typeof input.Body === 'string' ? Buffer.byteLength(input.Body as string) : 0;
          totals.bytesWritten += bytes;
          this.written.push({ key: String(input.Key), bytes });
        }
        this.calls.set(name, totals);
        return result;
      },
      { step: 'initialize', name: 'benchCommandStats', priority: 'high' },
    );
  }

  start(): void {
    this.calls.clear();
    this.written = [];
    this.recording = true;
  }

  /** Stops recording; totals divided by `per` (e.g. per regeneration), heaviest first. */
  stop(per = 1): Record<string, CallTotals> {
    this.recording = false;
    const round = (value: number) => Math.round((value / per) * 100) / 100;
    return Object.fromEntries(
      [...this.calls.entries()]
        .sort((a, b) => b[1].ms - a[1].ms)
        .map(([name, totals]) => [
          name,
          {
            count: round(totals.count),
            ms: round(totals.ms),
            itemsRead: round(totals.itemsRead),
            bytesWritten: Math.round(totals.bytesWritten / per),
            capacityUnits: round(totals.capacityUnits),
          },
        ]),
    );
  }
}

/** DynamoDB capacity units in a `stop()` result: read units (GetItem, BatchGetItem, Query) and write units. */
function dynamoCapacity(calls: Record<string, Partial<CallTotals>>): { read: number; write: number } {
  const units = { read: 0, write: 0 };
  for (const [name, totals] of Object.entries(calls)) {
    if (name.startsWith('dynamodb')) units[/Get|Query/.test(name) ? 'read' : 'write'] += totals.capacityUnits ?? 0;
  }
  return { read: Math.round(units.read * 10) / 10, write: Math.round(units.write * 10) / 10 };
}

/** `read / write` capacity units, as both reports print them. */
export function dynamoCapacityText(calls: Record<string, Partial<CallTotals>>): string {
  const { read, write } = dynamoCapacity(calls);
  return `${read} / ${write}`;
}
