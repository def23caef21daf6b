import { IsOptional, Length, Validate, ValidatorConstraint, type ValidatorConstraintInterface } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { isValidCreditCode } from "./credit-code";
import { RequiredText } from "../../core/validation";

@ValidatorConstraint({ name: "creditCode" })
export class CreditCodeConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === "string" && isValidCreditCode(value);
  }
  defaultMessage(): string {
    return "creditCode must be an 18-character unified social credit code with a valid GB 32100-2015 check character";
  }
}

@InputType()
export class CreateEnterpriseInput {
  @Field()
  @RequiredText(200)
  name: string;

  @Field({ description: "统一社会信用代码; the check character is verified (GB 32100-2015)." })
  @Validate(CreditCodeConstraint)
  creditCode: string;

  @Field()
  @RequiredText(100)
  legalRepresentative: string;

  @Field()
  @RequiredText(200)
  contact: string;
}

@InputType()
export class UpdateEnterpriseInput {
  @Field(() => ID)
  @Length(1, 36)
  id: string;

  @Field({ nullable: true })
  @IsOptional()
  @RequiredText(200)
  name?: string;

  @Field({ nullable: true })
  @IsOptional()
  @Validate(CreditCodeConstraint)
  creditCode?: string;

  @Field({ nullable: true })
  @IsOptional()
  @RequiredText(100)
  legalRepresentative?: string;

  @Field({ nullable: true })
  @IsOptional()
  @RequiredText(200)
  contact?: string;
}
