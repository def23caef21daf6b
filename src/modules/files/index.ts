/** Files: uploads (POST /files), downloads (GET /files/:id), and the attachments other modules make of them. */
export { ATTACHMENT_OWNER_TYPES, Attachment, type AttachmentOwnerType } from "./attachment.entity";
export { attachmentService, MAX_ATTACH_PER_CALL, type AttachmentVisibility } from "./attachment.service";
export { isImage } from "./content-type";
export { fileRoutes } from "./file.routes";
