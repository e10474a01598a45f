/**
 * A peer that restarts is dialled again as soon as membership reports it alive (a new
 * incarnation), not only when the backoff of its earlier failures runs out.
 */
import { SystemClock } from '../../../src/lib/clock';
import { createSilentLogger } from '../../../src/lib/log';
import { SystemRandom } from '../../../src/lib/random';
import { TcpTransport } from '../../../src/peer/tcp-transport';
import { PeerError } from '../../../src/peer/transport';
import { freePort } from '../../helpers/free-port';

const clock = new SystemClock();
const random = new SystemRandom();
const transports: TcpTransport[] = [];

function make(peerPort: number, backoffMs: number): TcpTransport {
  const transport = new TcpTransport({
    nodeId: `node-${transports.length}`,
    clusterName: 'test',
    host: '127.0.0.1',
    peerPort,
    clientPort: 6379,
    frameBytesMax: 1024 * 1024,
    limits: { backoff: { baseMs: backoffMs, maxMs: backoffMs } },
    clock,
    random,
    logger: createSilentLogger(),
  });
  transports.push(transport);
  return transport;
}

afterAll(async () => {
  for (const transport of transports) await transport.close();
});

test('peerAlive lets the next request dial a restarted peer at once', async () => {
  const dialer = make(await freePort(), 60_000);
  await dialer.listen();
  const peerPort = await freePort();
  const to = { host: '127.0.0.1', port: peerPort };

  // The peer is not there: the first request fails to connect, and a long backoff starts.
  await expect(dialer.request(to, { kind: 'ping' }, 500)).rejects.toBeInstanceOf(PeerError);
  const attemptsAfterFailure = dialer.stats.connectAttempts;

  // The peer starts; while in backoff, requests fail at once without dialling.
  const peer = make(peerPort, 100);
  await peer.listen();
  peer.serve(async () => ({ kind: 'pong' }));
  await expect(dialer.request(to, { kind: 'ping' }, 500)).rejects.toMatchObject({ code: 'UNREACHABLE' });
  expect(dialer.stats.connectAttempts).toBe(attemptsAfterFailure);

  // Membership learns of the peer's new incarnation: the next request dials and succeeds.
  dialer.peerAlive(to);
  expect(await dialer.request(to, { kind: 'ping' }, 2000)).toEqual({ kind: 'pong' });
  expect(dialer.stats.connectAttempts).toBe(attemptsAfterFailure + 1);
});
