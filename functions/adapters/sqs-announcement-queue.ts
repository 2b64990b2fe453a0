import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { AnnouncementQueue, FeedAnnouncement } from '../use-cases/ports.js';

/** Announcements as SQS messages, each held back by its own delay (a message timer). */
export class SqsAnnouncementQueue implements AnnouncementQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(announcement: FeedAnnouncement, delaySeconds: number): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(announcement),
        DelaySeconds: Math.max(0, Math.min(900, Math.round(delaySeconds))),
      }),
    );
  }
}
