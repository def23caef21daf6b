import net from "node:net";
import { describe, expect, test } from "vitest";
import { ConfigError, loadConfig } from "../../src/config";
import { startTestServer } from "../support/server";
import { pngBytes, uploadFile } from "../support/uploads";

describe("file storage settings", () => {
  test("FILE_STORE defaults to local; s3 needs S3_ENDPOINT and S3_BUCKET, checked at start", () => {
    const local = loadConfig({});
    expect(local.fileStore).toBe("local");
    expect(local.fileMaxBytes).toBe(52_428_800);
    expect(local.uploadsPerHour).toBe(120);
    expect(local.unattachedUploadBytesPerUser).toBe(500 * 1024 * 1024);
    expect(local.s3.forcePathStyle).toBe(true);
    expect(() => loadConfig({ FILE_STORE: "s3" })).toThrow(/S3_ENDPOINT/);
    expect(() => loadConfig({ FILE_STORE: "s3", S3_ENDPOINT: "http://127.0.0.1:9000" })).toThrow(/S3_BUCKET/);
    expect(() => loadConfig({ FILE_STORE: "s3", S3_ENDPOINT: "obs.example.gov.cn", S3_BUCKET: "b" })).toThrow(ConfigError);
    expect(() => loadConfig({ FILE_STORE: "ftp" })).toThrow(/FILE_STORE must be local or s3/);
    expect(() => loadConfig({ FILE_MAX_BYTES: "0" })).toThrow(/FILE_MAX_BYTES/);
    const s3 = loadConfig({
      FILE_STORE: "s3", S3_ENDPOINT: "https://obs.example.gov.cn", S3_BUCKET: "approvals", S3_REGION: "cn-south-1",
      S3_ACCESS_KEY_ID: "AK", S3_SECRET_ACCESS_KEY: "very-secret-key", S3_FORCE_PATH_STYLE: "false", FILE_MAX_BYTES: "1048576",
    });
    expect(s3).toMatchObject({ fileStore: "s3", fileMaxBytes: 1_048_576, s3: { endpoint: "https://obs.example.gov.cn", bucket: "approvals", region: "cn-south-1", forcePathStyle: false } });
  });

  test("a store that cannot be reached fails the upload without a row, and neither the answer nor the log shows the secret key", async () => {
    // a port nothing listens on
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const secret = "s3-secret-that-must-not-leak-0123456789";
    const logLines: string[] = [];
    const server = await startTestServer({
      env: { LOG_LEVEL: "debug" },
      logLines,
      config: { fileStore: "s3", s3: { endpoint: `http://127.0.0.1:${port}`, bucket: "nowhere", region: "us-east-1", accessKeyId: "AKID", secretAccessKey: secret, forcePathStyle: true } },
    });
    try {
      const { token } = await server.user("ENTERPRISE");
      const answer = await uploadFile(server, token, pngBytes(), "a.png");
      expect(answer.status).toBe(500);
      expect(JSON.stringify(answer.body)).not.toContain(secret);
      expect(logLines.join("\n")).not.toContain(secret);
      const rows = await server.app.services.dataSource.query("SELECT COUNT(*) AS n FROM attachment");
      expect(Number(rows[0].n)).toBe(0);
    } finally {
      await server.stop();
    }
  });
});
