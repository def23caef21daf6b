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
import { forbidden, unauthenticated } from "./errors";

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
}

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

export const TOKEN_EXPIRED = "Token expired: sign in again";

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

  async sign(user: Pick<AuthUser, "id" | "role">): Promise<{ token: string; expiresAt: Date }> {
    const issuedAt = Math.floor(this.clock.now().getTime() / 1000);
    const expiresAt = issuedAt + this.ttlSeconds;
    const token = await new SignJWT({ role: user.role })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(user.id)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(await this.secret);
    return { token, expiresAt: new Date(expiresAt * 1000) };
  }

  /**
   * Tokens whose signature was already checked, with what they say. Keyed by the whole token, so
   * only the very same bytes skip the check; expiry is still checked on every use. The check
   * (WebCrypto HMAC through a job and a promise) was about a tenth of the CPU of a signed-in
   * request, and a client sends the same token with every request until it expires.
   */
  private readonly verified = new LRUCache<string, { subject: string; expiresAt: number }>({ max: 10_000 });

  /** The user id a valid token names and when it expires; UNAUTHENTICATED for anything else. */
  async verify(token: string): Promise<{ userId: string; expiresAt: Date }> {
    const known = this.verified.get(token);
    if (known) {
      // jose's rule: expired once the clock reaches exp
      if (this.clock.now().getTime() >= known.expiresAt) throw unauthenticated(TOKEN_EXPIRED);
      return { userId: known.subject, expiresAt: new Date(known.expiresAt) };
    }
    try {
      const { payload } = await jwtVerify(token, await this.secret, { algorithms: ["HS256"], currentDate: this.clock.now() });
      if (!payload.sub || payload.exp === undefined) throw unauthenticated("Token has no subject or expiry");
      this.verified.set(token, { subject: payload.sub, expiresAt: payload.exp * 1000 });
      return { userId: payload.sub, expiresAt: new Date(payload.exp * 1000) };
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw unauthenticated(TOKEN_EXPIRED);
      throw unauthenticated("Invalid token");
    }
  }
}

/** Reads "Bearer <token>"; undefined when absent, UNAUTHENTICATED when malformed. */
export function bearerToken(header: string | undefined | null): string | undefined {
  if (header === undefined || header === null || header === "") return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match) throw unauthenticated("Authorization must be 'Bearer <token>'");
  return match[1];
}

/** Role checks for @Authorized; per-record checks live in services. */
export const authChecker: AuthChecker<{ user: AuthUser | null }, Role> = ({ context }, roles) => {
  if (!context.user) throw unauthenticated();
  if (roles.length === 0 || roles.includes(context.user.role)) return true;
  throw forbidden(`This needs the role ${roles.join(" or ")}`);
};
