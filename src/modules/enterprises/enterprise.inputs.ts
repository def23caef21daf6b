import { IdempotencyKeyField } from "../../core/idempotency";
import { IsOptional, Validate, ValidatorConstraint, type ValidatorConstraintInterface } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { isValidCreditCode } from "./credit-code";
import { RequiredText, IsId } from "../../core/validation";

@ValidatorConstraint({ name: "creditCode" })
export class CreditCodeConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === "string" && isValidCreditCode(value);
  }
  defaultMessage(): string {
    return "creditCode must be an 18-character unified social credit code with a valid GB 32100-2015 check character";
  }
}

@InputType({ description: "A new enterprise (企业), identified by its unified social credit code." })
export class CreateEnterpriseInput {
  @IdempotencyKeyField()
  idempotencyKey?: string;

  @Field({ description: "The enterprise's registered name." })
  @RequiredText(200)
  name: string;

  @Field({ description: "统一社会信用代码; the check character is verified (GB 32100-2015)." })
  @Validate(CreditCodeConstraint)
  creditCode: string;

  @Field({ description: "法定代表人: its legal representative." })
  @RequiredText(100)
  legalRepresentative: string;

  @Field({ description: "How to reach it (a phone number or an address)." })
  @RequiredText(200)
  contact: string;
}

@InputType({ description: "Changes to an enterprise; omitted fields stay." })
export class UpdateEnterpriseInput {
  @Field(() => ID, { description: "The enterprise to change." })
  @IsId()
  id: string;

  @Field({ nullable: true, description: "New registered name." })
  @IsOptional()
  @RequiredText(200)
  name?: string;

  @Field({ nullable: true, description: "统一社会信用代码: 18 characters with a valid check character (GB 32100-2015); unique." })
  @IsOptional()
  @Validate(CreditCodeConstraint)
  creditCode?: string;

  @Field({ nullable: true, description: "New legal representative." })
  @IsOptional()
  @RequiredText(100)
  legalRepresentative?: string;

  @Field({ nullable: true, description: "New contact." })
  @IsOptional()
  @RequiredText(200)
  contact?: string;
}
