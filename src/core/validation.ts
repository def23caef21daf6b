import { Length, Matches, type ValidationOptions } from "class-validator";

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
