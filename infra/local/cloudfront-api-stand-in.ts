import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { XMLParser } from 'fast-xml-parser';
import { listenOnFreePort, readRequestBody } from './stand-in-http.js';

/** The distribution the local runtime's regenerator is told to invalidate. */
export const LOCAL_DISTRIBUTION_ID = 'ELOCALFEEDS';

/** Invalidations remembered for GetInvalidation; the oldest completed ones are forgotten first. */
const REMEMBERED_INVALIDATIONS = 1_000;

/** CloudFront's limits on what may be in progress at once per distribution. */
const MAX_FILE_PATHS_IN_PROGRESS = 3_000;
const MAX_WILDCARD_PATHS_IN_PROGRESS = 15;

const API_PATH = /^\/2020-05-31\/distribution\/([^/]+)\/invalidation(?:\/([^/?]+))?(?:\?.*)?$/;
const XMLNS = 'http://cloudfront.amazonaws.com/doc/2020-05-31/';

export interface Invalidation {
  id: string;
  distributionId: string;
  paths: string[];
  callerReference: string;
  createdAt: Date;
  status: 'InProgress' | 'Completed';
}

export interface CloudFrontApiStandInOptions {
  /** How long an invalidation stays InProgress before every edge has dropped its paths. */
  completionDelayMs: number;
  /** Called when an invalidation completes, with its paths: the CDN stand-in drops its copies then. */
  onCompleted: (paths: string[]) => void;
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function invalidationXml(invalidation: Invalidation): string {
  const paths = invalidation.paths.map((path) => `<Path>${escapeXml(path)}</Path>`).join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?><Invalidation xmlns="${XMLNS}"><Id>${invalidation.id}</Id><Status>${invalidation.status}</Status>` +
    `<CreateTime>${invalidation.createdAt.toISOString()}</CreateTime><InvalidationBatch><Paths><Quantity>${invalidation.paths.length}</Quantity>` +
    `<Items>${paths}</Items></Paths><CallerReference>${escapeXml(invalidation.callerReference)}</CallerReference></InvalidationBatch></Invalidation>`
  );
}

function errorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${randomBytes(8).toString('hex')}</RequestId></ErrorResponse>`;
}

/**
 * Stands in for the two calls of CloudFront's API the product makes, CreateInvalidation and
 * GetInvalidation, over HTTP, so the regenerator's real CloudFront SDK client reaches it through
 * `AWS_ENDPOINT_URL_CLOUDFRONT`. An invalidation is `InProgress` when created and `Completed`
 * after `completionDelayMs`, as CloudFront's take seconds to reach every edge; only then do the
 * CDN stand-in's copies of its paths go. As CloudFront does, it answers a repeated caller
 * reference with the earlier invalidation, and refuses a batch that would put more than 3,000 file
 * paths or 15 wildcard paths in progress at once.
 */
export class CloudFrontApiStandIn {
  readonly invalidations: Invalidation[] = [];
  private readonly server: Server;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly parser = new XMLParser({ isArray: (name) => name === 'Path', parseTagValue: false });
  private sequence = 0;
  endpoint = '';

  constructor(private readonly options: CloudFrontApiStandInOptions) {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/xml' });
        response.end(errorXml('ServiceUnavailable', (error as Error).message));
      });
    });
  }

  async start(): Promise<this> {
    this.endpoint = await listenOnFreePort(this.server);
    return this;
  }

  /** Invalidations not yet completed. */
  inProgress(): Invalidation[] {
    return this.invalidations.filter((invalidation) => invalidation.status === 'InProgress');
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const route = API_PATH.exec(request.url ?? '');
    const body = (await readRequestBody(request))!.toString('utf8');
    const send = (status: number, xml: string, headers: Record<string, string> = {}): void => {
      response.writeHead(status, { 'content-type': 'text/xml', ...headers }).end(xml);
    };
    if (!route) return send(404, errorXml('NoSuchResource', `No such resource: ${request.method} ${request.url}`));
    const [, distributionId, id] = route as unknown as [string, string, string | undefined];
    if (request.method === 'GET' && id) {
      const found = this.invalidations.find((invalidation) => invalidation.id === id && invalidation.distributionId === distributionId);
      return found
        ? send(200, invalidationXml(found))
        : send(404, errorXml('NoSuchInvalidation', `The specified invalidation does not exist: ${id}`));
    }
    if (request.method !== 'POST' || id) return send(405, errorXml('MethodNotAllowed', `${request.method} is not allowed here`));

    const batch = (
      this.parser.parse(body) as {
        InvalidationBatch?: { Paths?: { Quantity?: string; Items?: { Path?: string[] } }; CallerReference?: string };
      }
    ).InvalidationBatch;
    const paths = batch?.Paths?.Items?.Path ?? [];
    const callerReference = batch?.CallerReference;
    if (!batch || !callerReference || !paths.length || Number(batch.Paths?.Quantity) !== paths.length) {
      return send(
        400,
        errorXml('InvalidArgument', 'An invalidation batch needs a CallerReference and Paths whose Quantity matches its Items'),
      );
    }
    const earlier = this.invalidations.find(
      (invalidation) => invalidation.callerReference === callerReference && invalidation.distributionId === distributionId,
    );
    if (earlier)
      return send(201, invalidationXml(earlier), {
        location: `${this.endpoint}/2020-05-31/distribution/${distributionId}/invalidation/${earlier.id}`,
      });
    const pending = this.inProgress().flatMap((invalidation) => invalidation.paths);
    const wildcards = (list: string[]) => list.filter((path) => path.endsWith('*')).length;
    if (wildcards([...pending, ...paths]) > MAX_WILDCARD_PATHS_IN_PROGRESS || pending.length + paths.length > MAX_FILE_PATHS_IN_PROGRESS) {
      return send(400, errorXml('TooManyInvalidationsInProgress', 'Too many invalidations in progress for this distribution'));
    }

    const invalidation: Invalidation = {
      id: `I${String(++this.sequence).padStart(4, '0')}${randomBytes(5).toString('hex').toUpperCase()}`,
      distributionId,
      paths,
      callerReference,
      createdAt: new Date(),
      status: 'InProgress',
    };
    this.invalidations.push(invalidation);
    if (this.invalidations.length > REMEMBERED_INVALIDATIONS) {
      const oldestCompleted = this.invalidations.findIndex((earlier) => earlier.status === 'Completed');
      if (oldestCompleted >= 0) this.invalidations.splice(oldestCompleted, 1);
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      invalidation.status = 'Completed';
      this.options.onCompleted(invalidation.paths);
    }, this.options.completionDelayMs);
    this.timers.add(timer);
    send(201, invalidationXml(invalidation), {
      location: `${this.endpoint}/2020-05-31/distribution/${distributionId}/invalidation/${invalidation.id}`,
    });
  }
}
