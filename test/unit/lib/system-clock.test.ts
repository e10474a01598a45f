/**
 * SystemClock's deferred work against Node's real event loop: defer waits for the turn's I/O,
 * deferOutput inside deferred work runs as soon as that work's promise continuations settle
 * (a commit's acknowledgements leave before the next turn's input is read).
 */
import * as net from 'node:net';
import { SystemClock } from '../../../src/lib/clock';

const clock = new SystemClock();

/** Resolves once `order` holds `count` entries. */
function settled(order: string[], count: number): Promise<void> {
  return new Promise((resolve) => {
    const poll = () => (order.length >= count ? resolve() : setTimeout(poll, 1));
    poll();
  });
}

/** A connected loopback pair: bytes written to `client` arrive as `peer` 'data' at the next poll. */
async function socketPair(): Promise<{ client: net.Socket; peer: net.Socket; close: () => Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const client = net.connect(port, '127.0.0.1');
  const peer = await accepted;
  await new Promise<void>((resolve) => (client.connecting ? client.once('connect', resolve) : resolve()));
  const close = async () => {
    client.destroy();
    peer.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
  return { client, peer, close };
}

describe('SystemClock.deferOutput', () => {
  it('from deferred work, runs after its promise chains however deep, before the next turn', async () => {
    const order: string[] = [];
    clock.defer(() => {
      // Queued now: runs in the next loop iteration, after that turn's I/O.
      setImmediate(() => order.push('next turn'));
      let chain = Promise.resolve();
      for (let depth = 0; depth < 6; depth++) chain = chain.then(() => undefined);
      void chain.then(() => {
        order.push('deep continuation');
        clock.deferOutput(() => order.push('output'));
      });
      clock.deferOutput(() => order.push('early output'));
    });
    await settled(order, 4);
    expect(order).toEqual(['deep continuation', 'early output', 'output', 'next turn']);
  });

  it('runs output that output queues (at once or from its continuations) in the same turn', async () => {
    const order: string[] = [];
    clock.defer(() => {
      setImmediate(() => order.push('next turn'));
      clock.deferOutput(() => {
        order.push('batch');
        clock.deferOutput(() => order.push('frame'));
        void Promise.resolve().then(() => clock.deferOutput(() => order.push('late frame')));
      });
    });
    await settled(order, 4);
    expect(order).toEqual(['batch', 'frame', 'late frame', 'next turn']);
  });

  it('runs outputs queued from deferred work before an I/O callback already due', async () => {
    const { client, peer, close } = await socketPair();
    const order: string[] = [];
    peer.on('data', () => order.push('input'));
    clock.defer(() => {
      client.write('x');
      void Promise.resolve().then(() => clock.deferOutput(() => order.push('output')));
    });
    try {
      await settled(order, 2);
      expect(order).toEqual(['output', 'input']);
    } finally {
      await close();
    }
  });

  it('output queued outside deferred work still takes the output it queues along, before the next input', async () => {
    const { client, peer, close } = await socketPair();
    const order: string[] = [];
    peer.on('data', () => order.push('input'));
    try {
      setTimeout(() => {
        // A replica write dispatched from a timer or an I/O callback, whose frame is queued as output.
        clock.deferOutput(() => {
          client.write('x');
          clock.deferOutput(() => order.push('frame'));
        });
      }, 1);
      await settled(order, 2);
      expect(order).toEqual(['frame', 'input']);
    } finally {
      await close();
    }
  });

  it('outside deferred work, waits like defer: after the current continuations and the turn', async () => {
    const order: string[] = [];
    await new Promise<void>((resolve) => {
      setTimeout(() => {
        clock.deferOutput(() => order.push('output'));
        void Promise.resolve().then(() => order.push('continuation'));
        process.nextTick(() => order.push('tick'));
        order.push('sync');
        resolve();
      }, 1);
    });
    await settled(order, 4);
    expect(order).toEqual(['sync', 'tick', 'continuation', 'output']);
  });

  it('leaves defer as it was: deferred work that defers again yields to I/O first', async () => {
    // Expiry sweeps, transfers and hint delivery continue through defer and must not starve clients.
    const { client, peer, close } = await socketPair();
    const order: string[] = [];
    peer.on('data', () => order.push('input'));
    clock.defer(() => {
      client.write('x');
      void Promise.resolve().then(() => clock.defer(() => order.push('deferred again')));
    });
    try {
      await settled(order, 2);
      expect(order).toEqual(['input', 'deferred again']);
    } finally {
      await close();
    }
  });
});
