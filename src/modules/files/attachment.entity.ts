import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from "typeorm";
import { Field, ID, Int, ObjectType } from "type-graphql";
import { TimestampColumn } from "../../core/base.entity";
import { User } from "../accounts/user.entity";

/** The kinds of record a file can be attached to (attachment.owner_type). */
export const ATTACHMENT_OWNER_TYPES = [
  "DEFERRED_ITEM", "APPROVAL_ITEM", "INSPECTION_FINDING", "SERVICE_TICKET", "TICKET_EVENT", "COMMITMENT_LETTER",
] as const;
export type AttachmentOwnerType = (typeof ATTACHMENT_OWNER_TYPES)[number];

/**
 * One stored file: an upload (POST /files) with no owner yet, then, once a mutation attaches it,
 * a file of that record. The owner is set once and never changes; an attached row is never
 * deleted (an amended record keeps the files of its earlier versions). Unattached uploads older
 * than a day are swept. The content is addressed by `sha256` in the file store, stored once
 * however many rows name it; `contentType` is what the content was detected as, never the
 * client's claim.
 */
@ObjectType({ description: "附件: a stored file (a material, a permit, a photo, a scan), as uploaded, with who uploaded it and a signed download link." })
@Entity("attachment")
@Index("IDX_attachment_owner", ["ownerType", "ownerId", "uploadedAt", "id"])
@Index("IDX_attachment_uploader", ["uploadedById", "uploadedAt"])
@Index("IDX_attachment_unattached", ["ownerType", "uploadedAt"])
@Index("IDX_attachment_sha256", ["sha256"])
export class Attachment {
  @Field(() => ID)
  @PrimaryColumn({ type: "varchar", length: 36 })
  id: string;

  @Field({ description: "SHA-256 of the content, lower-case hex: the same content has the same value (and is stored once)." })
  @Column({ type: "varchar", length: 64 })
  sha256: string;

  @Field({ description: "The file name the uploader gave (without any path), at most 255 characters." })
  @Column({ type: "varchar", length: 255 })
  name: string;

  @Field({ description: "The media type detected from the content (application/pdf, application/ofd, image/png, …), never the uploader's claim." })
  @Column({ name: "content_type", type: "varchar", length: 127 })
  contentType: string;

  @Field(() => Int, { description: "Size in bytes." })
  @Column({ type: "integer" })
  size: number;

  @Column({ name: "uploaded_by_id", type: "varchar", length: 36 })
  uploadedById: string;

  @ManyToOne(() => User)
  @JoinColumn({ name: "uploaded_by_id", foreignKeyConstraintName: "FK_attachment_uploaded_by" })
  uploadedBy?: User;

  @Field({ description: "When it was uploaded." })
  @TimestampColumn("uploaded_at")
  uploadedAt: Date;

  /** The kind of record it belongs to; null while it is an upload not yet attached. */
  @Column({ name: "owner_type", type: "varchar", length: 32, nullable: true })
  ownerType: AttachmentOwnerType | null;

  @Column({ name: "owner_id", type: "varchar", length: 36, nullable: true })
  ownerId: string | null;

  @TimestampColumn("attached_at", true)
  attachedAt: Date | null;
}
