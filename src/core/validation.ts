import { Length, Matches, type ValidationOptions } from "class-validator";

/**
 * Text a person must write (a title, a reason, a pledge): 1 to `max` characters and more than
 * spaces, since a reason of "   " says nothing. Optional fields add @IsOptional as usual.
 */
export function RequiredText(max: number, options: ValidationOptions = {}): PropertyDecorator {
  const length = Length(1, max, options);
  const notBlank = Matches(/\S/, { ...options, message: ({ property }) => `${property} must not be blank` });
  return (target, property) => {
    length(target, property as string);
    notBlank(target, property as string);
  };
}
