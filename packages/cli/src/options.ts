import { InvalidArgumentError } from 'commander';

/**
 * A commander option parser for whole numbers in a range. Commander turns the thrown error into a usage
 * failure (exit 2) that names the option, instead of the value travelling on as NaN.
 */
export function wholeNumber(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max)
      throw new InvalidArgumentError(`Expected a whole number from ${min} to ${max}.`);
    return n;
  };
}
