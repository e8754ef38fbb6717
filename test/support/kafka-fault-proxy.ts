import { createServer, connect, Server, Socket } from 'node:net';

/** Kafka's request header starts with the frame size (int32) and the API key (int16). */
const SASL_AUTHENTICATE_API_KEY = 36;

/**
 * A TCP proxy in front of a plaintext Kafka listener that can behave like a broker going down and coming back:
 * `cutHandshakes()` resets every open connection and, until `heal()`, resets each new one the moment its client
 * sends SaslAuthenticate — what a restarting broker does to a client reconnecting at the wrong moment, and what
 * kafkajs reports as an authentication failure. It reads the client's frame boundaries only (no decoding).
 */
export class KafkaFaultProxy {
  private readonly connections = new Set<Socket>();
  private cutting = false;
  /** Handshakes reset since the proxy started. */
  handshakesCut = 0;

  private constructor(private readonly server: Server) {}

  static async start(listenPort: number, target: { host: string; port: number }): Promise<KafkaFaultProxy> {
    const server = createServer();
    const proxy = new KafkaFaultProxy(server);
    server.on('connection', (client) => proxy.forward(client, target));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listenPort, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  cutHandshakes(): void {
    this.cutting = true;
    for (const socket of this.connections) socket.resetAndDestroy();
  }

  heal(): void {
    this.cutting = false;
  }

  async stop(): Promise<void> {
    for (const socket of this.connections) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private forward(client: Socket, target: { host: string; port: number }): void {
    const upstream = connect(target.port, target.host);
    const track = (socket: Socket) => {
      this.connections.add(socket);
      socket.on('close', () => this.connections.delete(socket));
      socket.on('error', () => undefined);
    };
    track(client);
    track(upstream);
    const frames = new FrameReader();
    client.on('data', (chunk: Buffer) => {
      if (this.cutting && frames.apiKeysIn(chunk).includes(SASL_AUTHENTICATE_API_KEY)) {
        this.handshakesCut++;
        client.resetAndDestroy();
        upstream.destroy();
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }
}

/** Follows request frames across chunks and names the API key of each request that starts in a chunk. */
class FrameReader {
  private remaining = 0;
  private header = Buffer.alloc(0);

  apiKeysIn(chunk: Buffer): number[] {
    const keys: number[] = [];
    let at = 0;
    while (at < chunk.length) {
      if (this.remaining > 0) {
        const skipped = Math.min(this.remaining, chunk.length - at);
        this.remaining -= skipped;
        at += skipped;
        continue;
      }
      const needed = 6 - this.header.length;
      this.header = Buffer.concat([this.header, chunk.subarray(at, at + needed)]);
      at += Math.min(needed, chunk.length - at);
      if (this.header.length < 6) break;
      keys.push(this.header.readInt16BE(4));
      this.remaining = this.header.readInt32BE(0) - 2;
      this.header = Buffer.alloc(0);
    }
    return keys;
  }
}
