import "reflect-metadata";
import { createApp, type App } from "../app";
import { loadConfig } from "../config";

/**
 * The app without a listening server, for one-off commands; migrations applied, never seeded.
 * It needs no JWT_SECRET: nothing here signs or checks a token.
 */
export async function withApp<T>(work: (app: App) => Promise<T>, env: NodeJS.ProcessEnv = process.env): Promise<T> {
  const app = await createApp(loadConfig(env, { seedDemo: false }));
  try {
    return await work(app);
  } finally {
    await app.stop();
  }
}

export function argValue(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

export function fail(error: unknown): never {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
