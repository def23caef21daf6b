import { Authorized, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../core/context";
import { signedLink } from "../../core/links";
import { IdArg } from "../../core/validation";
import { loadUser } from "../accounts/user-loader";
import { User } from "../accounts/user.entity";
import { Attachment } from "./attachment.entity";
import { attachmentService } from "./attachment.service";

@Resolver(() => Attachment)
export class AttachmentResolver {
  @Authorized()
  @Query(() => Attachment, {
    description: "One of the caller's own uploads (POST /files) not yet attached to a record, e.g. to show it before the mutation that attaches it; anything else NOT_FOUND.",
  })
  upload(@Ctx() ctx: RequestContext, @IdArg("id", { description: "The upload's id, as POST /files answered it." }) id: string): Promise<Attachment> {
    return attachmentService.ownUpload(ctx, id);
  }

  @FieldResolver(() => User, { nullable: true, description: "Who uploaded it." })
  uploadedBy(@Root() attachment: Attachment, @Ctx() ctx: RequestContext): Promise<User | null> {
    return loadUser(ctx, attachment.uploadedById);
  }

  @FieldResolver(() => String, {
    description: "A signed link to GET the file (relative to the server's root), good for LINK_TTL_SECONDS and for the caller only; the download checks again that the caller may see the record it belongs to.",
  })
  downloadUrl(@Root() attachment: Attachment, @Ctx() ctx: RequestContext): Promise<string> {
    return signedLink(ctx, `/files/${attachment.id}`);
  }
}
