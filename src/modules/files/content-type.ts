import fs from "node:fs/promises";

/**
 * The media types an upload may be, as detected from its content (never its name or the
 * client's Content-Type): PDF, OFD (a zip holding OFD.xml), images, Office documents (the
 * legacy binary ones as application/x-cfb) and zip.
 */
export const ACCEPTED_CONTENT_TYPES: ReadonlySet<string> = new Set([
  "application/pdf",
  "application/ofd",
  "image/jpeg", "image/png", "image/gif", "image/webp", "image/tiff", "image/bmp",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  "application/x-cfb",
  "application/zip",
]);

/** Images (what a photo must be: inspection findings). */
export const isImage = (contentType: string) => contentType.startsWith("image/");

// file-type is ESM-only: loaded once, on first use (Node 20.19+ could require() it as well).
let fileType: Promise<typeof import("file-type")> | undefined;
const loadFileType = () => (fileType ??= import("file-type"));

/**
 * The accepted media type of a whole (temp) file, read in pieces, or null when it is none of them.
 * A zip whose entries hold OFD.xml is OFD (GB/T 33190), labelled application/ofd.
 */
export async function detectContentType(filePath: string): Promise<string | null> {
  const { fileTypeFromFile } = await loadFileType();
  const type = await fileTypeFromFile(filePath);
  if (!type) return null;
  if (type.mime === "application/zip") return (await zipEntryNames(filePath))?.some((name) => name === "OFD.xml" || name.endsWith("/OFD.xml")) ? "application/ofd" : "application/zip";
  return ACCEPTED_CONTENT_TYPES.has(type.mime) ? type.mime : null;
}

/** A zip's central directory may be this large at most for us to read it (names only). */
const MAX_CENTRAL_DIRECTORY = 4 * 1024 * 1024;

/**
 * The entry names of a zip file from its central directory (at the end: read without the rest
 * of the file), or null when it has none we can read.
 */
export async function zipEntryNames(filePath: string): Promise<string[] | null> {
  const file = await fs.open(filePath, "r");
  try {
    const { size } = await file.stat();
    // end of central directory: 22 bytes plus a comment of at most 65535
    const tailLength = Math.min(size, 22 + 65_535);
    const tail = Buffer.alloc(tailLength);
    await file.read(tail, 0, tailLength, size - tailLength);
    let eocd = -1;
    for (let at = tailLength - 22; at >= 0; at--) {
      if (tail.readUInt32LE(at) === 0x06054b50) {
        eocd = at;
        break;
      }
    }
    if (eocd < 0) return null;
    const directorySize = tail.readUInt32LE(eocd + 12);
    const directoryOffset = tail.readUInt32LE(eocd + 16);
    if (directorySize > MAX_CENTRAL_DIRECTORY || directoryOffset + directorySize > size) return null;
    const directory = Buffer.alloc(directorySize);
    await file.read(directory, 0, directorySize, directoryOffset);
    const names: string[] = [];
    for (let at = 0; at + 46 <= directory.length && directory.readUInt32LE(at) === 0x02014b50; ) {
      const nameLength = directory.readUInt16LE(at + 28);
      const extraLength = directory.readUInt16LE(at + 30);
      const commentLength = directory.readUInt16LE(at + 32);
      names.push(directory.subarray(at + 46, at + 46 + nameLength).toString("utf8"));
      at += 46 + nameLength + extraLength + commentLength;
    }
    return names;
  } finally {
    await file.close();
  }
}
