import { registerEnumType } from "type-graphql";
import { DEPARTMENT_NAMES, type DepartmentCode } from "../departments/department.entity";
import { enumOf } from "../../core/enums";
import { labelEnum, type ValueLabel } from "../../core/labels";

/** The in-step phase an approval belongs to: what is handled side by side with what. */
export const APPROVAL_PHASES = ["START", "COMPLETION", "PRODUCTION"] as const;
export type ApprovalPhase = (typeof APPROVAL_PHASES)[number];
export const ApprovalPhaseEnum = enumOf(APPROVAL_PHASES);
registerEnumType(ApprovalPhaseEnum, {
  name: "ApprovalPhase",
  description: "三同步: which in-step group an approval is handled in.",
  valuesConfig: labelEnum<ApprovalPhase>("ApprovalPhase", {
    START: { zh: "交地同步开工", en: "Start on land handover", description: "After the land contract, before construction start." },
    COMPLETION: { zh: "竣工同步发证", en: "Certificate on completion", description: "At completion, before the certificate." },
    PRODUCTION: { zh: "预验同步试产", en: "Trial production on pre-acceptance", description: "Pre-acceptance and trial production." },
  }),
});

/** Survey stages of 多测合一: one commission per project and stage. */
export type SurveyStage = "PLANNING" | "COMPLETION";

/**
 * The kinds of approval a project may need, with the department (by code) that usually handles each,
 * its phase, the survey stage whose shared result it may cite, and the working days the district
 * promises to decide it in once submitted (承诺办结时限, copied to each item). Data, not code paths.
 */
export const APPROVAL_KINDS = {
  FILING: { label: "项目备案", department: "DEVELOPMENT_REFORM", phase: "START", survey: null, promisedWorkingDays: 1 },
  LAND_USE_PLANNING_PERMIT: { label: "建设用地规划许可", department: "NATURAL_RESOURCES", phase: "START", survey: "PLANNING", promisedWorkingDays: 5 },
  PLANNING_PERMIT: { label: "建设工程规划许可", department: "NATURAL_RESOURCES", phase: "START", survey: "PLANNING", promisedWorkingDays: 5 },
  ENVIRONMENTAL_IMPACT: { label: "环境影响评价", department: "ECOLOGY_ENVIRONMENT", phase: "START", survey: null, promisedWorkingDays: 10 },
  SOIL_WATER_CONSERVATION: { label: "水土保持方案审批", department: "WATER_AFFAIRS", phase: "START", survey: null, promisedWorkingDays: 10 },
  FIRE_DESIGN_REVIEW: { label: "消防设计审查", department: "HOUSING_CONSTRUCTION", phase: "START", survey: null, promisedWorkingDays: 5 },
  CONSTRUCTION_DRAWING_REVIEW: { label: "施工图审查", department: "HOUSING_CONSTRUCTION", phase: "START", survey: null, promisedWorkingDays: 5 },
  CONSTRUCTION_PERMIT: { label: "施工许可", department: "HOUSING_CONSTRUCTION", phase: "START", survey: null, promisedWorkingDays: 3 },
  JOINT_ACCEPTANCE: { label: "联合验收", department: "HOUSING_CONSTRUCTION", phase: "COMPLETION", survey: "COMPLETION", promisedWorkingDays: 5 },
  COMPLETION_FILING: { label: "竣工验收备案", department: "HOUSING_CONSTRUCTION", phase: "COMPLETION", survey: "COMPLETION", promisedWorkingDays: 1 },
  PROPERTY_REGISTRATION: { label: "不动产登记", department: "REAL_ESTATE_REGISTRATION", phase: "COMPLETION", survey: "COMPLETION", promisedWorkingDays: 5 },
  TRIAL_PRODUCTION: { label: "试生产", department: "INDUSTRY_IT", phase: "PRODUCTION", survey: null, promisedWorkingDays: 5 },
} as const satisfies Record<string, { label: string; department: DepartmentCode; phase: ApprovalPhase; survey: SurveyStage | null; promisedWorkingDays: number }>;
export type ApprovalKind = keyof typeof APPROVAL_KINDS;
export const ApprovalKindEnum = enumOf(Object.keys(APPROVAL_KINDS) as ApprovalKind[]);
/** The English name of each approval kind, beside APPROVAL_KINDS' Chinese one. */
const APPROVAL_KIND_EN: Record<ApprovalKind, string> = {
  FILING: "Project filing",
  LAND_USE_PLANNING_PERMIT: "Land-use planning permit",
  PLANNING_PERMIT: "Construction planning permit",
  ENVIRONMENTAL_IMPACT: "Environmental impact assessment",
  SOIL_WATER_CONSERVATION: "Soil and water conservation plan",
  FIRE_DESIGN_REVIEW: "Fire design review",
  CONSTRUCTION_DRAWING_REVIEW: "Construction drawing review",
  CONSTRUCTION_PERMIT: "Construction permit",
  JOINT_ACCEPTANCE: "Joint acceptance",
  COMPLETION_FILING: "Completion filing",
  PROPERTY_REGISTRATION: "Property registration",
  TRIAL_PRODUCTION: "Trial production",
};
registerEnumType(ApprovalKindEnum, {
  name: "ApprovalKind",
  description: "An approval a project may need, with its department, in-step phase and promised working days (承诺办结时限).",
  valuesConfig: labelEnum<ApprovalKind>(
    "ApprovalKind",
    Object.fromEntries(
      Object.entries(APPROVAL_KINDS).map(([kind, v]) => [
        kind,
        { zh: v.label, en: APPROVAL_KIND_EN[kind as ApprovalKind], description: `Handled by ${DEPARTMENT_NAMES[v.department]}; phase ${v.phase}; decided within ${v.promisedWorkingDays} working days.` },
      ]),
    ) as Record<ApprovalKind, ValueLabel>,
  ),
});
