import { IsUUID, isUUID, Length, Matches, ValidationError, type ValidationOptions } from "class-validator";
import { Arg, ArgumentValidationError, ID } from "type-graphql";
import { badInput } from "./errors";

/**
 * A character a reader sees: not whitespace, nor a control, format or other default-ignorable
 * character (U+200B, U+200D, U+2060, U+FEFF, the Hangul fillers …), which display as nothing.
 */
const VISIBLE_CHARACTER = /[^\p{White_Space}\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]/u;

/**
 * Text a person must write (a title, a reason, a pledge): 1 to `max` characters and at least one
 * visible, since a reason of "   " or of zero-width spaces says nothing. Optional fields add
 * @IsOptional as usual.
 */
export function RequiredText(max: number, options: ValidationOptions = {}): PropertyDecorator {
  const length = Length(1, max, options);
  const notBlank = Matches(VISIBLE_CHARACTER, { ...options, message: ({ property }) => `${property} must not be blank` });
  return (target, property) => {
    length(target, property as string);
    notBlank(target, property as string);
  };
}

/**
 * Every id the API hands out is a UUID (BaseEntity), so a string of another form can name no
 * record: it is refused as bad input naming the field, the same way for every ID input field
 * (IsId) and argument (IdArg), rather than answering NOT_FOUND in one place and passing through
 * in another. A well-formed id of no visible record still answers NOT_FOUND.
 */
const idMessage = (property: string) => `${property} must be an id (the UUID the API gave, e.g. 0b6f5e2c-8f0e-4c8e-9a55-1f2d3c4b5a69)`;

/** An ID (or, with `{ each: true }`, [ID]) input field: a UUID. Optional fields add @IsOptional as usual. */
export function IsId(options: ValidationOptions = {}): PropertyDecorator {
  return IsUUID(undefined, { message: ({ property }) => idMessage(property), ...options });
}

/** Refuses an argument that is not an id (or list of ids) the way class-validator refuses an input field. */
export function assertIdArgument(name: string, value: unknown): void {
  if (value === null || value === undefined) return;
  const values = Array.isArray(value) ? value : [value];
  if (values.every((item) => typeof item === "string" && isUUID(item))) return;
  const failure = Object.assign(new ValidationError(), { property: name, value, constraints: { isUuid: idMessage(name) }, children: [] });
  throw new ArgumentValidationError([failure]);
}

/** An ID argument of a query or field (`project(id:)`), validated like IsId. */
export function IdArg(name: string, options: { description: string; nullable?: boolean }): ReturnType<typeof Arg> {
  return Arg(name, () => ID, { ...options, validateFn: (value) => assertIdArgument(name, value) });
}

/**
 * The target of an update, named `id`, or by the name it had before (kept, deprecated, so old
 * clients go on working): exactly one of the two, else BAD_USER_INPUT naming the field.
 */
export function targetId<K extends string>(input: { id?: string | null } & { [key in K]?: string | null }, formerName: K): string {
  const id = input.id ?? undefined;
  const former = input[formerName] ?? undefined;
  if (id !== undefined && former !== undefined) {
    throw badInput(formerName, `Give id only: ${formerName} is its deprecated name, not both`, `只需填写「编号」（id）；${formerName} 是它已弃用的旧名称，两者不能同时填写`);
  }
  const target = id ?? former;
  if (target === undefined) throw badInput("id", "id is required", "缺少必填项「编号」（id）");
  return target;
}
