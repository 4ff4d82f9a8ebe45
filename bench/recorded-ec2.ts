/**
 * EC2 answered from memory: recorded-format XML pages (test/support/paged-ec2.ts) served
 * through the SDK's own request pipeline, so a benchmark measures driftgate and the SDK
 * without a network or a server process in the way.
 */
import { Readable } from 'node:stream';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { answerEc2, type FakeEc2Call, type FakeEc2Object } from '../test/support/paged-ec2.js';

interface RawRequest {
  body?: unknown;
}

/** Point this client at in-memory EC2 objects; returns the calls it makes. */
export function serveFromMemory(
  client: EC2Client,
  objects: Record<string, FakeEc2Object[]>,
): FakeEc2Call[] {
  const calls: FakeEc2Call[] = [];
  const handler = {
    metadata: { handlerProtocol: 'http/1.1' },
    handle: async (request: RawRequest) => {
      const { status, xml } = answerEc2(objects, String(request.body ?? ''), calls);
      return {
        response: {
          statusCode: status,
          headers: { 'content-type': 'text/xml;charset=UTF-8' },
          body: Readable.from([Buffer.from(xml)]),
        },
      };
    },
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
    destroy: () => undefined,
  };
  (client.config as unknown as { requestHandler: unknown }).requestHandler = handler;
  return calls;
}
