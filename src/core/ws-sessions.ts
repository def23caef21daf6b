import { GraphQLError } from "graphql";
import type { WebSocket } from "ws";
import { bearerToken, TOKEN_EXPIRED, type AuthUser } from "./auth";
import type { AppServices } from "./context";
import { startPeriodic } from "./periodic";

/** The socket's token expired: sign in again and reconnect. */
export const CLOSE_TOKEN_EXPIRED = 4401;
/** The socket's user was deactivated (also what a refused connect answers). */
export const CLOSE_DEACTIVATED = 4403;

/** What the sessions ask of the accounts module (core imports no module). */
export interface SessionChecks {
  /**
   * The caller a bearer header names, read afresh; null without a header; rejects with
   * UNAUTHENTICATED once the token expired or its user no longer signs in.
   */
  authenticate(header: string | null): Promise<AuthUser | null>;
  /** Which of these users are still active, in one query. */
  activeUserIds(userIds: string[]): Promise<Set<string>>;
}

interface Session {
  header: string;
  user: AuthUser;
  /** Token expiry, epoch ms on the service clock. */
  expiresAt: number;
}

/**
 * A WebSocket lives no longer than the credentials it connected with. Every WS_SESSION_CHECK_MS
 * a check closes the sockets whose token has expired by the service clock (4401) and those whose
 * user is no longer active (4403), reading all connected users in one query, so a deactivation on
 * any instance reaches sockets on every instance. Each new operation on a socket re-reads its
 * caller first and is refused once the token expired or the user was deactivated. Anonymous
 * sockets carry no credentials and are not tracked.
 */
export class WsSessions {
  private readonly sessions = new Map<WebSocket, Session>();
  private readonly stopChecks: () => Promise<void>;

  constructor(
    private readonly services: AppServices,
    private readonly checks: SessionChecks,
  ) {
    this.stopChecks = startPeriodic(services, "ws-sessions", services.config.wsSessionCheckMs, () => this.closeEnded());
  }

  /** At connect: the caller, or null without credentials; rejects when the credentials are refused. */
  async open(socket: WebSocket, header: string | null): Promise<AuthUser | null> {
    const user = await this.checks.authenticate(header);
    if (!user) return null;
    const { expiresAt } = await this.services.tokens.verify(bearerToken(header)!);
    // a socket that closed while its caller was read has nothing left to watch
    if (socket.readyState === socket.OPEN) this.sessions.set(socket, { header: header!, user, expiresAt: expiresAt.getTime() });
    return user;
  }

  /** The caller as last read for this socket. */
  user(socket: WebSocket): AuthUser | null {
    return this.sessions.get(socket)?.user ?? null;
  }

  /** Before each new operation: the caller read afresh, or the refusal as the operation's errors. */
  async recheck(socket: WebSocket): Promise<readonly GraphQLError[] | undefined> {
    const session = this.sessions.get(socket);
    if (!session) return undefined;
    try {
      session.user = (await this.checks.authenticate(session.header))!;
      return undefined;
    } catch (error) {
      if (error instanceof GraphQLError) return [error];
      throw error;
    }
  }

  closed(socket: WebSocket): void {
    this.sessions.delete(socket);
  }

  /** Closes the sockets whose token expired or whose user is no longer active. */
  async closeEnded(): Promise<void> {
    const now = this.services.clock.now().getTime();
    for (const [socket, session] of this.sessions) {
      if (now >= session.expiresAt) this.end(socket, CLOSE_TOKEN_EXPIRED, TOKEN_EXPIRED);
    }
    if (this.sessions.size === 0) return;
    const open = [...this.sessions];
    const active = await this.checks.activeUserIds([...new Set(open.map(([, session]) => session.user.id))]);
    for (const [socket, session] of open) {
      if (!active.has(session.user.id)) this.end(socket, CLOSE_DEACTIVATED, "This account was deactivated");
    }
  }

  async stop(): Promise<void> {
    await this.stopChecks();
  }

  private end(socket: WebSocket, code: number, reason: string): void {
    this.sessions.delete(socket);
    socket.close(code, reason);
  }
}
