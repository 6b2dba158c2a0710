import type { Document } from 'bson';
import { Long } from 'bson';
import type { CommandContext, Engine } from '../../engine/types.js';
import { MongoCommandError } from '../../errors.js';

/**
 * A tiny in-memory engine for testing the wire layer on its own: insert and find on plain arrays,
 * plus `echo` returning the command it received (to check decoding) and `boom` throwing a plain error.
 */
export class TestEngine implements Engine {
  readonly collections = new Map<string, Document[]>();
  readonly received: Document[] = [];
  closedConnections: number[] = [];
  closed = false;

  handles(name: string): boolean {
    return ['insert', 'find', 'echo', 'boom', 'slow'].includes(name);
  }

  async run(db: string, cmd: Document, ctx: CommandContext): Promise<Document> {
    this.received.push(cmd);
    const name = Object.keys(cmd)[0];
    const ns = `${db}.${String(cmd[name ?? ''])}`;
    switch (name) {
      case 'insert': {
        const docs = this.collections.get(ns) ?? [];
        docs.push(...(cmd.documents as Document[]));
        this.collections.set(ns, docs);
        return { n: (cmd.documents as Document[]).length, ok: 1 };
      }
      case 'find':
        return { cursor: { firstBatch: this.collections.get(ns) ?? [], id: Long.ZERO, ns }, ok: 1 };
      case 'echo':
        return { command: cmd, connectionId: ctx.connectionId, ok: 1 };
      case 'slow':
        await new Promise((resolve) => setTimeout(resolve, 50));
        return { ok: 1 };
      case 'boom':
        throw new Error('kaboom');
      default:
        throw new MongoCommandError(59, `no such command: '${name}'`);
    }
  }

  connectionClosed(connectionId: number): void {
    this.closedConnections.push(connectionId);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
