import "reflect-metadata";
import { createApp } from "../../src/app";
import type { AppConfig } from "../../src/config";
import { ManualClock } from "../../src/core/clock";

/**
 * The child side of app-process.ts: the real app in a process of its own, configured by the
 * parent (APP_PROCESS_CONFIG, APP_PROCESS_CLOCK), answering over IPC:
 *   -> { type: "ready", url } once it listens, { type: "failed", message } if it cannot start
 *   <- { type: "clock", at } sets its clock (answered { type: "clock-set" }), { type: "stop" } stops it.
 */
type Message = { type: "stop" } | { type: "clock"; at: string };

async function main() {
  const config = JSON.parse(process.env.APP_PROCESS_CONFIG!) as AppConfig;
  const clock = new ManualClock(new Date(process.env.APP_PROCESS_CLOCK!));
  const app = await createApp(config, { clock, logStream: { write: (line: string) => void process.stderr.write(line) } });
  const url = await app.listen(0, "127.0.0.1");
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await app.stop();
    process.exit(0);
  };
  process.on("message", (message: Message) => {
    if (message.type === "stop") void stop();
    if (message.type === "clock") {
      clock.set(message.at);
      process.send!({ type: "clock-set" });
    }
  });
  // The test process went away without stopping this one: stop too.
  process.on("disconnect", () => void stop());
  process.send!({ type: "ready", url });
}

main().catch((error) => {
  process.send?.({ type: "failed", message: String(error?.stack ?? error) });
  process.exit(1);
});
