import { GraphQLLocalDate } from "graphql-scalars";
import { Field, Int, ObjectType } from "type-graphql";
import { Project } from "../projects/project.entity";
import { RiskLevelEnum, type RiskLevel } from "./supervision.entity";

@ObjectType({ description: "A fast-track project whose inspection interval has passed." })
export class InspectionDue {
  @Field(() => Project) project: Project;
  @Field(() => RiskLevelEnum) riskLevel: RiskLevel;
  @Field(() => GraphQLLocalDate, { nullable: true }) lastInspectedOn: string | null;
  @Field(() => GraphQLLocalDate) dueOn: string;
  @Field(() => GraphQLLocalDate, { nullable: true, description: "An inspection already scheduled, if any." }) nextScheduledOn: string | null;
}

@ObjectType({ description: "What the deadline sweep did this run (each effect happens once over all runs)." })
export class SweepReport {
  @Field() ranAt: Date;
  @Field(() => Int, { description: "容缺 materials that went OVERDUE." }) overdueDeferredItems: number;
  @Field(() => Int, { description: "Commitment clauses that went BREACHED: enterprise clauses unfulfilled past their due date, government clauses their rule found broken." }) breachedClauses: number;
  @Field(() => Int, { description: "Government commitment clauses their rule found kept (FULFILLED)." }) keptClauses: number;
  @Field(() => Int) overdueFindings: number;
  @Field(() => Int, { description: "Projects the circuit breaker suspended." }) suspendedProjects: number;
  @Field(() => Int, { description: "Suspended projects whose rectification deadline passed." }) awaitingDecision: number;
  @Field(() => Int) creditRecords: number;
}
