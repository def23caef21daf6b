import type { RequestContext } from "./context";

/**
 * Domain events raised inside a transaction, for the modules above the one that raises them: the
 * module that owns a fact announces it (a material supplied, an application reopened) and the
 * modules that keep records about it react in the same transaction, so that the owner never
 * imports its followers and a refusal by a reaction rolls the whole change back. Each module
 * declares the events it raises where it raises them, by declaration merging
 * (`declare module "../../core/domain-events" { interface DomainEventMap { … } }`).
 */
export interface DomainEventMap {}
export type DomainEvent = keyof DomainEventMap;
type Reaction<K extends DomainEvent> = (tx: RequestContext, event: DomainEventMap[K]) => Promise<void>;

const reactions = new Map<DomainEvent, Array<Reaction<never>>>();

/** Registers a reaction (at module load); reactions run in the order they were registered. */
export function reactTo<K extends DomainEvent>(name: K, reaction: Reaction<K>): void {
  reactions.set(name, [...(reactions.get(name) ?? []), reaction as Reaction<never>]);
}

/** Runs every reaction to the event in the caller's transaction; one that throws refuses the change. */
export async function raise<K extends DomainEvent>(tx: RequestContext, name: K, event: DomainEventMap[K]): Promise<void> {
  for (const reaction of reactions.get(name) ?? []) await (reaction as Reaction<K>)(tx, event);
}
