import { createPubSub } from "@graphql-yoga/subscription";
import { RequestContext, type AppServices } from "../../core/context";
import { changesBetween, readSequences } from "./board-changes.service";
import type { BoardEventPayload } from "./board.events";

/** How long a later change waits for an earlier one still on its way (through Redis from another instance) before the earlier is read from the database. */
export const GAP_WAIT_MS = 200;

/**
 * This instance's board events in sequence order, for its subscribers. Sequences come from the
 * database in commit order with no gaps, but through Redis two instances' events can arrive out
 * of that order (each publishes after its own commit). A subscriber that got 11 before 10 and then
 * lost its connection would catch up from 11 and never see 10; so events are passed on in order:
 * a later one is held until the earlier arrives, and after GAP_WAIT_MS the missing ones are read
 * from the feed table (they are committed: a number is committed only after every lower one).
 * A duplicate or an event older than the instance's start is dropped. One feed per instance,
 * started by the first subscriber; each event reaches every subscriber as the same object (so
 * oncePerEvent loads it once).
 */
export class OrderedBoardFeed {
  private readonly local = createPubSub<{ ORDERED: [BoardEventPayload] }>();
  /** The next sequence to pass on; null until the start read it from the database. */
  private next: number | null = null;
  private readonly held = new Map<number, BoardEventPayload>();
  private gapTimer: NodeJS.Timeout | null = null;
  private filling = false;
  private ready: Promise<void>;

  constructor(private readonly app: AppServices) {
    const source = app.pubSub.subscribe("TASK_BOARD");
    void (async () => {
      for await (const event of source) this.receive(event);
    })().catch((error) => app.logger.error({ err: error }, "board feed stopped"));
    // Listening first, then reading where the database stands: an event committed in between is
    // either received (and held) or found by the gap fill.
    this.ready = this.locate();
  }

  private locate(): Promise<void> {
    return readSequences(RequestContext.system(this.app)).then(({ latest }) => {
      this.next = latest + 1;
      for (const sequence of [...this.held.keys()]) if (sequence < this.next) this.held.delete(sequence);
      this.flush();
    });
  }

  /** The ordered events from now on; resolves once the feed knows where it stands (a failed read is tried again by the next subscriber). */
  async subscribe(): Promise<AsyncIterable<BoardEventPayload>> {
    const iterable = this.local.subscribe("ORDERED");
    try {
      await this.ready;
    } catch (error) {
      this.ready = this.locate();
      throw error;
    }
    return iterable;
  }

  private receive(event: BoardEventPayload): void {
    // Not from a numbered change (published by hand, by a tool): nothing to order it by, passed on as it is.
    if (!Number.isInteger(event.sequence)) return void this.local.publish("ORDERED", event);
    if (this.next !== null && event.sequence < this.next) return;
    if (!this.held.has(event.sequence)) this.held.set(event.sequence, event);
    this.flush();
  }

  private flush(): void {
    if (this.next === null) return;
    for (let event = this.held.get(this.next); event; event = this.held.get(this.next)) {
      this.held.delete(this.next);
      this.next += 1;
      this.local.publish("ORDERED", event);
    }
    if (this.held.size === 0) {
      if (this.gapTimer) clearTimeout(this.gapTimer);
      this.gapTimer = null;
    } else if (!this.gapTimer && !this.filling) {
      this.gapTimer = setTimeout(() => void this.fillGap(), GAP_WAIT_MS);
      this.gapTimer.unref();
    }
  }

  /** Reads the changes between the next expected and the first held from the database, then passes all on in order. */
  private async fillGap(): Promise<void> {
    this.gapTimer = null;
    if (this.next === null || this.held.size === 0) return;
    this.filling = true;
    try {
      const upto = Math.min(...this.held.keys()) - 1;
      const missing = await changesBetween(RequestContext.system(this.app), this.next, upto);
      for (const event of missing) if (event.sequence >= this.next && !this.held.has(event.sequence)) this.held.set(event.sequence, event);
      // Not in the table either (pruned meanwhile): nothing to wait for, go on from the first held.
      if (!this.held.has(this.next)) this.next = Math.min(...this.held.keys());
    } catch (error) {
      this.app.logger.error({ err: error }, "board feed could not read a gap");
    } finally {
      this.filling = false;
      this.flush();
    }
  }
}

const feeds = new WeakMap<object, OrderedBoardFeed>();

/** The instance's ordered board feed, started on first use. */
export function boardFeedOf(app: AppServices): OrderedBoardFeed {
  let feed = feeds.get(app.pubSub);
  if (!feed) feeds.set(app.pubSub, (feed = new OrderedBoardFeed(app)));
  return feed;
}
