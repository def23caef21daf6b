import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { SignJWT, jwtVerify, errors as joseErrors } from "jose";
import { LRUCache } from "lru-cache";
import type { AuthChecker } from "type-graphql";
import type { AppConfig } from "../config";
import type { Clock } from "./clock";
import { ConfigError } from "../config";
import { AppError, forbidden, unauthenticated, zhLabel } from "./errors";

export const ROLES = ["ADMIN", "CADRE", "ENTERPRISE"] as const;
export type Role = (typeof ROLES)[number];

/** What a verified token says about the caller, refreshed from the database on each request. */
export interface AuthUser {
  id: string;
  username: string;
  name: string;
  role: Role;
  enterpriseId: string | null;
  /** The department a CADRE belongs to (ADMIN may have one, the reform office); null for ENTERPRISE. */
  departmentId: string | null;
  /** The token the caller signed in with; absent for the system (sweeps, seeds, the CLI). */
  session?: TokenClaims;
}

/**
 * What a verified token carries besides its signature. A sign-in (login, changePassword) starts a
 * session: `sessionId` and `signedInAt` stay the same through every renewal, `tokenId` is new on
 * each token. `version` is the user's token version when the token was made: raising it on the
 * user row (changePassword, resetPassword, revokeAllSessions, deactivation) revokes every token
 * made before.
 */
export interface TokenClaims {
  userId: string;
  /** jti: this token. */
  tokenId: string;
  /** sid: the sign-in this token belongs to (logout ends it). */
  sessionId: string;
  /** ver: the user's token version the token was made with. */
  version: number;
  /** auth_time: when the session was signed in with a password; SESSION_MAX_AGE_HOURS counts from it. */
  signedInAt: Date;
  expiresAt: Date;
}

/**
 * Whether a token's session still holds: ACTIVE; REVOKED once its user's token version moved past
 * the token's or its session was signed out (logout); DEACTIVATED once the user is inactive or gone.
 */
export type SessionState = "ACTIVE" | "REVOKED" | "DEACTIVATED";

/**
 * Why a token is refused, in `extensions.reason` beside the code UNAUTHENTICATED (the code is the
 * contract; the reason tells a client whether renewing or signing in again helps).
 */
export const REFUSAL_REASONS = {
  /** The token's time is up (WebSocket close code 4401): renew before it, or sign in again. */
  TOKEN_EXPIRED: "Token expired: sign in again",
  /** Signed out (logout), or every token revoked (revokeAllSessions, a password change or reset, a deactivation): WebSocket close code 4403. */
  TOKEN_REVOKED: "This token was revoked: sign in again",
  /** The user was deactivated or deleted: WebSocket close code 4403. */
  ACCOUNT_DEACTIVATED: "This account no longer signs in",
  /** renewToken past the session's end (SESSION_MAX_AGE_HOURS after signing in): sign in again. */
  SESSION_MAX_AGE: "This session is older than SESSION_MAX_AGE_HOURS allows: sign in again",
  /** Not a token of ours (malformed, a bad signature), or one made before tokens carried a session: sign in again. */
  TOKEN_INVALID: "Invalid token",
} as const;
export type RefusalReason = keyof typeof REFUSAL_REASONS;
/** The refusals in Chinese. */
const REFUSAL_REASONS_ZH: Record<RefusalReason, string> = {
  TOKEN_EXPIRED: "登录已过期，请重新登录",
  TOKEN_REVOKED: "该登录凭证已被注销，请重新登录",
  ACCOUNT_DEACTIVATED: "该账号已停用，不能登录",
  SESSION_MAX_AGE: "本次登录已超过允许的最长时间（SESSION_MAX_AGE_HOURS），请重新登录",
  TOKEN_INVALID: "登录凭证无效，请重新登录",
};

/** UNAUTHENTICATED with its reason. */
export const refused = (reason: RefusalReason, message: string = REFUSAL_REASONS[reason], zh: string = REFUSAL_REASONS_ZH[reason]) => new AppError("UNAUTHENTICATED", message, zh, { reason });

/** The refusal's reason, when the error is one. */
export const refusalReason = (error: unknown): RefusalReason | undefined =>
  error instanceof AppError && error.code === "UNAUTHENTICATED" ? (error.extensions.reason as RefusalReason | undefined) : undefined;

const scrypt = promisify(crypto.scrypt) as (password: string, salt: Buffer, keylen: number, options: crypto.ScryptOptions) => Promise<Buffer>;
// scrypt with N=2^15, r=8: 32 MiB per hash, memory-hard as OWASP recommends.
const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LENGTH = 32;

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const hash = await scrypt(password, salt, KEY_LENGTH, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString("base64")}$${hash.toString("base64")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64");
  const actual = await scrypt(password, Buffer.from(salt, "base64"), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: SCRYPT.maxmem });
  return crypto.timingSafeEqual(actual, expected);
}

/** A hash to compare against when the username is unknown, so both paths take the same time. */
let decoyHash: Promise<string> | undefined;
export const decoyPasswordHash = () => (decoyHash ??= hashPassword(crypto.randomBytes(16).toString("hex")));

/**
 * JWT_SECRET from the environment; on the embedded default a random secret is made once and
 * kept in DATA_DIR so tokens survive restarts. A shared database needs a shared secret.
 */
export function resolveJwtSecret(config: AppConfig): Uint8Array {
  if (config.jwtSecret) return new TextEncoder().encode(config.jwtSecret);
  if (config.databaseUrl) throw new ConfigError("JWT_SECRET is required with DATABASE_URL (every instance must share it)");
  const file = path.join(config.dataDir, "jwt-secret");
  fs.mkdirSync(config.dataDir, { recursive: true });
  if (!fs.existsSync(file)) {
    fs.writeFileSync(file, crypto.randomBytes(48).toString("base64url"), { mode: 0o600, flag: "wx" });
  }
  return new TextEncoder().encode(fs.readFileSync(file, "utf8").trim());
}

export const TOKEN_EXPIRED = REFUSAL_REASONS.TOKEN_EXPIRED;

/** What a session's next token continues: the sign-in it belongs to and its limit. */
export interface SessionStart {
  sessionId: string;
  signedInAt: Date;
  /** The session's absolute end (SESSION_MAX_AGE_HOURS from signedInAt): no token of it outlives this. */
  endsAt?: Date;
}

/** Signs and checks session tokens (HS256 JWT) against the service clock. */
export class TokenService {
  /** A CryptoKey imported once: given bytes or a KeyObject, jose imports the key again on every call. */
  private key: Promise<crypto.webcrypto.CryptoKey> | undefined;

  /**
   * The secret is read on first use, so one-off commands that never sign or check a token (the
   * sweep, create-admin) run without it; a server asks for it (`ready`) before it listens.
   */
  constructor(
    private readonly readSecret: () => Uint8Array,
    private readonly ttlSeconds: number,
    private readonly clock: Clock,
  ) {}

  private get secret(): Promise<crypto.webcrypto.CryptoKey> {
    return (this.key ??= crypto.webcrypto.subtle.importKey("raw", this.readSecret(), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]));
  }

  /** Rejects (ConfigError) when no secret is configured where one is required. */
  async ready(): Promise<void> {
    await this.secret;
  }

  /**
   * A token for the user: of a new session signed in now, or continuing `session` (a renewal). It
   * expires JWT_TTL_SECONDS from now, or at the session's end if that comes first. `tokenVersion`
   * is the user's current token version (0 when unset).
   */
  async sign(user: Pick<AuthUser, "id" | "role"> & { tokenVersion?: number }, session?: SessionStart): Promise<{ token: string; expiresAt: Date; claims: TokenClaims }> {
    const issuedAt = Math.floor(this.clock.now().getTime() / 1000);
    const sessionId = session?.sessionId ?? crypto.randomUUID();
    const signedInAt = session ? Math.floor(session.signedInAt.getTime() / 1000) : issuedAt;
    const cap = session?.endsAt ? Math.floor(session.endsAt.getTime() / 1000) : Infinity;
    const expiresAt = Math.min(issuedAt + this.ttlSeconds, cap);
    const tokenId = crypto.randomUUID();
    const version = user.tokenVersion ?? 0;
    const token = await new SignJWT({ role: user.role, sid: sessionId, ver: version, auth_time: signedInAt })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(user.id)
      .setJti(tokenId)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(await this.secret);
    const claims: TokenClaims = { userId: user.id, tokenId, sessionId, version, signedInAt: new Date(signedInAt * 1000), expiresAt: new Date(expiresAt * 1000) };
    return { token, expiresAt: claims.expiresAt, claims };
  }

  /**
   * A signed link to one path for the caller's session: what a browser's <a href> or <img src>
   * sends, since it cannot send an Authorization header. It is good for that path only, for
   * LINK_TTL_SECONDS (never past the session token's own expiry), and is revoked with the session
   * (the same sid and version are checked on use). It is not a bearer token: `verify` refuses it.
   */
  async signLink(session: TokenClaims, role: Role, path: string, ttlSeconds: number): Promise<{ token: string; expiresAt: Date }> {
    const issuedAt = Math.floor(this.clock.now().getTime() / 1000);
    const expiresAt = Math.min(issuedAt + ttlSeconds, Math.floor(session.expiresAt.getTime() / 1000));
    const token = await new SignJWT({ role, sid: session.sessionId, ver: session.version, auth_time: Math.floor(session.signedInAt.getTime() / 1000), pth: path })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(session.userId)
      .setJti(session.tokenId)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(await this.secret);
    return { token, expiresAt: new Date(expiresAt * 1000) };
  }

  /** What a signed link for `path` says; UNAUTHENTICATED as `verify`, and TOKEN_INVALID for another path or a bearer token. */
  async verifyLink(token: string, path: string): Promise<TokenClaims> {
    const claims = await this.verifyClaims(token);
    if (claims.path !== path) throw refused("TOKEN_INVALID", "This link is for another address", "该链接不适用于此地址，请重新获取下载链接");
    return claims;
  }

  /**
   * Tokens whose signature was already checked, with what they say. Keyed by the whole token, so
   * only the very same bytes skip the check; expiry is still checked on every use, and revocation
   * is read from the database on every use (accountService.authenticate), never from here. The
   * check (WebCrypto HMAC through a job and a promise) was about a tenth of the CPU of a signed-in
   * request, and a client sends the same token with every request until it expires.
   */
  private readonly verified = new LRUCache<string, TokenClaims & { path?: string }>({ max: 10_000 });

  /**
   * What a valid token says; UNAUTHENTICATED for anything else (reason TOKEN_EXPIRED once the
   * service clock reaches its expiry, TOKEN_INVALID for a bad signature or a token without a
   * session, as those made before sessions were).
   */
  async verify(token: string): Promise<TokenClaims> {
    const claims = await this.verifyClaims(token);
    if (claims.path !== undefined) throw refused("TOKEN_INVALID", "A signed link is not a sign-in token", "下载链接不能作为登录凭证使用，请重新登录");
    return claims;
  }

  private async verifyClaims(token: string): Promise<TokenClaims & { path?: string }> {
    const known = this.verified.get(token);
    if (known) {
      // jose's rule: expired once the clock reaches exp
      if (this.clock.now().getTime() >= known.expiresAt.getTime()) throw refused("TOKEN_EXPIRED");
      return known;
    }
    let payload: Awaited<ReturnType<typeof jwtVerify>>["payload"];
    try {
      ({ payload } = await jwtVerify(token, await this.secret, { algorithms: ["HS256"], currentDate: this.clock.now() }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw refused("TOKEN_EXPIRED");
      throw refused("TOKEN_INVALID");
    }
    const { sub, exp, jti, sid, ver, auth_time: authTime, pth } = payload;
    if (!sub || exp === undefined || !jti || typeof sid !== "string" || !Number.isInteger(ver) || !Number.isInteger(authTime)) {
      throw refused("TOKEN_INVALID", "Token has no subject, expiry or session: sign in again", "登录凭证缺少用户、有效期或会话信息，请重新登录");
    }
    const claims: TokenClaims & { path?: string } = { userId: sub, tokenId: jti, sessionId: sid, version: ver as number, signedInAt: new Date((authTime as number) * 1000), expiresAt: new Date(exp * 1000) };
    if (pth !== undefined) claims.path = String(pth);
    this.verified.set(token, claims);
    return claims;
  }
}

/** Reads "Bearer <token>"; undefined when absent, UNAUTHENTICATED when malformed. */
export function bearerToken(header: string | undefined | null): string | undefined {
  if (header === undefined || header === null || header === "") return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match) throw unauthenticated("Authorization must be 'Bearer <token>'", "Authorization 请求头的格式应为“Bearer <登录凭证>”");
  return match[1];
}

/** Role checks for @Authorized; per-record checks live in services. */
export const authChecker: AuthChecker<{ user: AuthUser | null }, Role> = ({ context }, roles) => {
  if (!context.user) throw unauthenticated();
  if (roles.length === 0 || roles.includes(context.user.role)) return true;
  throw forbidden(`This needs the role ${roles.join(" or ")}`, `此操作须由以下角色进行：${roles.map((role) => zhLabel("Role", role)).join("或")}`);
};
