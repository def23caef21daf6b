import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import { Remit } from "../policy/policy.service";
import { described } from "../policy/remits";
import type { RequestContext } from "../../core/context";
import { ConnectionArgs, ConnectionType } from "../../core/pagination";
import { User } from "../accounts/user.entity";
import { loadUser } from "../accounts/user-loader";
import { Project } from "../projects/project.entity";
import { catalogService } from "./catalog.service";
import { DeferrableItem } from "./deferrable-item.entity";
import { DeferredItem } from "./deferred-item.entity";
import { deferredItemService } from "./deferred-item.service";
import {
  ApplyFastTrackInput, CreateDeferrableItemInput, DeferredItemFilter, MarkDeferredItemOverdueInput, NegativeListEntryInput,
  RecordDeferredItemSuppliedInput, RefuseFastTrackApplicationInput, RemoveNegativeListEntryInput, UpdateDeferrableItemInput,
  WithdrawFastTrackApplicationInput,
} from "./fast-track.inputs";
import { fastTrackService } from "./fast-track.service";
import { NegativeListEntry } from "./negative-list.entity";
import { loaderById } from "../../core/loaders";
import { IdArg } from "../../core/validation";
import { Attachment } from "../files/attachment.entity";
import { attachmentService } from "../files/attachment.service";

const NegativeListConnection = ConnectionType(NegativeListEntry);
const DeferredItemConnection = ConnectionType(DeferredItem);

@Resolver()
export class FastTrackResolver {
  @Authorized()
  @Query(() => NegativeListConnection, { description: "负面清单, by industry code." })
  negativeList(@Ctx() ctx: RequestContext, @Args() args: ConnectionArgs) {
    return catalogService.negativeList(ctx, args);
  }

  @Remit("addNegativeListEntry")
  @Mutation(() => NegativeListEntry, { description: described("addNegativeListEntry", "Put an industry code or category on the negative list.") })
  addNegativeListEntry(@Ctx() ctx: RequestContext, @Arg("input") input: NegativeListEntryInput): Promise<NegativeListEntry> {
    return catalogService.addNegativeListEntry(ctx, input);
  }

  @Remit("removeNegativeListEntry")
  @Mutation(() => NegativeListEntry, { description: described("removeNegativeListEntry", "Take an entry off the negative list; returns the removed entry.") })
  removeNegativeListEntry(@Ctx() ctx: RequestContext, @Arg("input") input: RemoveNegativeListEntryInput): Promise<NegativeListEntry> {
    return catalogService.removeNegativeListEntry(ctx, input.id);
  }

  @Authorized()
  @Query(() => [DeferrableItem], { description: "容缺清单: the deferrable items, in display order." })
  deferrableItems(@Ctx() ctx: RequestContext, @Arg("includeInactive", { defaultValue: false, description: "true lists deactivated catalog items too." }) includeInactive: boolean): Promise<DeferrableItem[]> {
    return catalogService.deferrableItems(ctx, includeInactive);
  }

  @Remit("createDeferrableItem")
  @Mutation(() => DeferrableItem, { description: described("createDeferrableItem", "Add an item to the deferrable catalog.") })
  createDeferrableItem(@Ctx() ctx: RequestContext, @Arg("input") input: CreateDeferrableItemInput): Promise<DeferrableItem> {
    return catalogService.createDeferrableItem(ctx, input);
  }

  @Remit("updateDeferrableItem")
  @Mutation(() => DeferrableItem, { description: described("updateDeferrableItem", "Edit or deactivate a deferrable item.") })
  updateDeferrableItem(@Ctx() ctx: RequestContext, @Arg("input") input: UpdateDeferrableItemInput): Promise<DeferrableItem> {
    return catalogService.updateDeferrableItem(ctx, input);
  }

  @Remit("applyFastTrack")
  @Mutation(() => Project, {
    description: described("applyFastTrack", "承诺前审核, the path's first gate: checks the negative list (NEGATIVE_LIST) and credit (CREDIT_RESTRICTED) and leaves the project APPLIED, " +
      "with its deferred materials PENDING; it is not admitted yet. Next: draftCommitmentLetter, then both parties sign (signCommitmentLetter) and the project is ADMITTED. " +
      "CONFLICT unless the project is NOT_APPLIED (an EXITED project left the fast track for good)."),
  })
  applyFastTrack(@Ctx() ctx: RequestContext, @Arg("input") input: ApplyFastTrackInput): Promise<Project> {
    return fastTrackService.apply(ctx, input);
  }

  @Remit("withdrawFastTrackApplication")
  @Mutation(() => Project, {
    description: described("withdrawFastTrackApplication", "企业自愿: withdraw an APPLIED application before both parties sign. The project returns to NOT_APPLIED, " +
      "its draft letter is WITHDRAWN and its deferred materials not yet supplied are dropped; it may apply again. INVALID_TRANSITION from any other state."),
  })
  withdrawFastTrackApplication(@Ctx() ctx: RequestContext, @Arg("input") input: WithdrawFastTrackApplicationInput): Promise<Project> {
    return fastTrackService.withdraw(ctx, input);
  }

  @Remit("refuseFastTrackApplication")
  @Mutation(() => Project, {
    description: described("refuseFastTrackApplication", "承诺前审核: refuse an APPLIED application before both parties sign. The project returns to NOT_APPLIED, " +
      "its draft letter is WITHDRAWN and its deferred materials not yet supplied are dropped; it may apply again. INVALID_TRANSITION from any other state."),
  })
  refuseFastTrackApplication(@Ctx() ctx: RequestContext, @Arg("input") input: RefuseFastTrackApplicationInput): Promise<Project> {
    return fastTrackService.refuse(ctx, input);
  }

  @Authorized()
  @Query(() => DeferredItem, { nullable: true, description: "One deferred item; null, with NOT_FOUND in errors, when there is none or it is another enterprise's." })
  deferredItem(@Ctx() ctx: RequestContext, @IdArg("id", { description: "The deferred item (容缺材料)." }) id: string): Promise<DeferredItem> {
    return deferredItemService.findVisible(ctx, id);
  }

  @Authorized()
  @Query(() => DeferredItemConnection, { description: "Deferred items across projects, earliest promise first; an ENTERPRISE user sees its own only." })
  deferredItems(
    @Ctx() ctx: RequestContext,
    @Args() args: ConnectionArgs,
    @Arg("filter", () => DeferredItemFilter, { nullable: true, description: "Which deferred items; every one the caller may see when omitted." }) filter?: DeferredItemFilter,
  ) {
    return deferredItemService.list(ctx, args, filter ?? {});
  }

  @Remit("recordDeferredItemSupplied")
  @Mutation(() => DeferredItem, { description: described("recordDeferredItemSupplied", "Record a deferred material as supplied.") })
  recordDeferredItemSupplied(@Ctx() ctx: RequestContext, @Arg("input") input: RecordDeferredItemSuppliedInput): Promise<DeferredItem> {
    return deferredItemService.recordSupplied(ctx, input);
  }

  @Remit("markDeferredItemOverdue")
  @Mutation(() => DeferredItem, { description: described("markDeferredItemOverdue", "Mark a PENDING item OVERDUE after its promised date passed (NOT_YET_DUE before).") })
  markDeferredItemOverdue(@Ctx() ctx: RequestContext, @Arg("input") input: MarkDeferredItemOverdueInput): Promise<DeferredItem> {
    return deferredItemService.markOverdue(ctx, input.deferredItemId);
  }
}

@Resolver(() => DeferredItem)
export class DeferredItemResolver {
  @FieldResolver(() => DeferrableItem)
  item(@Root() deferred: DeferredItem, @Ctx() ctx: RequestContext) {
    return loaderById(ctx, DeferrableItem).load(deferred.deferrableItemId);
  }

  @FieldResolver(() => Project)
  project(@Root() deferred: DeferredItem, @Ctx() ctx: RequestContext) {
    return loaderById(ctx, Project).load(deferred.projectId);
  }

  @FieldResolver(() => User, { nullable: true, description: "Who recorded the supply." })
  suppliedBy(@Root() deferred: DeferredItem, @Ctx() ctx: RequestContext) {
    return loadUser(ctx, deferred.suppliedById);
  }

  @FieldResolver(() => [Attachment], { description: "先办后补: the material supplied, the files attached when the supply was recorded (oldest first)." })
  attachments(@Root() deferred: DeferredItem, @Ctx() ctx: RequestContext): Promise<Attachment[]> {
    return attachmentService.listFor(ctx, "DEFERRED_ITEM", deferred.id);
  }
}

@Resolver(() => Project)
export class ProjectDeferralResolver {
  @FieldResolver(() => [DeferredItem], { description: "容缺: the materials this project promised to supply later." })
  deferredItems(@Root() project: Project, @Ctx() ctx: RequestContext): Promise<DeferredItem[]> {
    return deferredItemService.forProject(ctx, project.id);
  }
}
