// A local S3-compatible server for the FILE_STORE=s3 tests (.ci/run starts it in the background):
// s3rver from npm (a devDependency) on 127.0.0.1:$S3_TEST_PORT (4569), data in a temp directory
// removed on exit. It accepts the credentials S3RVER / S3RVER; tests make a bucket of their own.
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const S3rver = require("s3rver");

const port = Number(process.env.S3_TEST_PORT || 4569);
const directory = fs.mkdtempSync(path.join(os.tmpdir(), "ci-s3rver-"));
const server = new S3rver({ port, address: "127.0.0.1", silent: true, directory, allowMismatchedSignatures: true });
server.run().then(
  ({ port: listening }) => console.log(`s3rver listening on 127.0.0.1:${listening}, data in ${directory}`),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
const stop = () => server.close().finally(() => {
  fs.rmSync(directory, { recursive: true, force: true });
  process.exit(0);
});
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
