import { GraphQLError } from "graphql";
import type { WebSocket } from "ws";
import { REFUSAL_REASONS, TOKEN_EXPIRED, type AuthUser, type SessionState, type TokenClaims } from "./auth";
import type { AppServices } from "./context";
import { startPeriodic } from "./periodic";

/** The socket's token expired (by the service clock): renew or sign in, then reconnect. Also a connect with an expired token. */
export const CLOSE_TOKEN_EXPIRED = 4401;
/**
 * The socket's credentials were refused: its session was signed out or revoked (logout,
 * revokeAllSessions, a password change or reset) or its user deactivated. Also a connect with a
 * refused token (revoked, invalid, of a deactivated user). Sign in again, then reconnect.
 */
export const CLOSE_REFUSED = 4403;

/** What the sessions ask of the accounts module (core imports no module). */
export interface SessionChecks {
  /**
   * The caller a bearer header names, read afresh; null without a header; rejects with
   * UNAUTHENTICATED once the token expired, its session was revoked or its user no longer signs in.
   */
  authenticate(header: string | null): Promise<AuthUser | null>;
  /** The state of each token's session, in one query however many. */
  states(tokens: TokenClaims[]): Promise<SessionState[]>;
}

interface Session {
  header: string;
  user: AuthUser;
  token: TokenClaims;
}

const CLOSE_REASONS: Record<Exclude<SessionState, "ACTIVE">, string> = {
  REVOKED: REFUSAL_REASONS.TOKEN_REVOKED,
  DEACTIVATED: "This account was deactivated",
};

/**
 * A WebSocket lives no longer than the credentials it connected with. Every WS_SESSION_CHECK_MS
 * a check closes the sockets whose token has expired by the service clock (4401), and those whose
 * session was revoked (logout, a raised token version) or whose user is no longer active (4403),
 * reading the sessions of all connected sockets in one query, so a revocation on any instance
 * reaches sockets on every instance. Each new operation on a socket re-reads its caller first and
 * is refused once the token expired, was revoked or the user was deactivated. A socket keeps the
 * token it connected with: renewing that token elsewhere does not touch it (the renewed token
 * stays valid to its own expiry, then the socket closes with 4401). Anonymous sockets carry no
 * credentials and are not tracked.
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
    // a socket that closed while its caller was read has nothing left to watch
    if (socket.readyState === socket.OPEN && user.session) this.sessions.set(socket, { header: header!, user, token: user.session });
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

  /** Closes the sockets whose token expired, or whose session was revoked or user deactivated. */
  async closeEnded(): Promise<void> {
    const now = this.services.clock.now().getTime();
    for (const [socket, session] of this.sessions) {
      if (now >= session.token.expiresAt.getTime()) this.end(socket, CLOSE_TOKEN_EXPIRED, TOKEN_EXPIRED);
    }
    if (this.sessions.size === 0) return;
    const open = [...this.sessions];
    const states = await this.checks.states(open.map(([, session]) => session.token));
    open.forEach(([socket], i) => {
      const state = states[i];
      if (state !== "ACTIVE") this.end(socket, CLOSE_REFUSED, CLOSE_REASONS[state]);
    });
  }

  async stop(): Promise<void> {
    await this.stopChecks();
  }

  private end(socket: WebSocket, code: number, reason: string): void {
    this.sessions.delete(socket);
    socket.close(code, reason);
  }
}
