/**
 * Exact error assertions. jest's `toThrow("text")` passes when the message merely contains the text; these
 * pass only for the whole message, or for a pattern anchored at both ends where a part cannot be known in
 * advance (an errno code, a byte count).
 */
type ErrorClass = abstract new (...args: never[]) => Error;

/** Fails unless `fn` throws an instance of `type` whose message is exactly `message`. */
export function expectError(
  fn: () => unknown,
  message: string | RegExp,
  type: ErrorClass = Error,
): void {
  let result: unknown;
  try {
    result = fn();
  } catch (error) {
    checkError(error, message, type);
    return;
  }
  if (result instanceof Promise) {
    result.catch(() => {});
    throw new Error("expectError: the function returned a promise; use expectRejection");
  }
  throw new Error(`expected an error "${String(message)}", but nothing was thrown`);
}

/** Fails unless `promise` rejects with an instance of `type` whose message is exactly `message`. */
export async function expectRejection(
  promise: Promise<unknown>,
  message: string | RegExp,
  type: ErrorClass = Error,
): Promise<void> {
  const outcome = await promise.then(
    () => ({ rejected: false as const }),
    (error: unknown) => ({ rejected: true as const, error }),
  );
  if (!outcome.rejected)
    throw new Error(`expected a rejection "${String(message)}", but the promise resolved`);
  checkError(outcome.error, message, type);
}

function checkError(error: unknown, message: string | RegExp, type: ErrorClass): void {
  expect(error).toBeInstanceOf(type);
  const text = (error as Error).message;
  if (typeof message === "string") {
    expect(text).toBe(message);
    return;
  }
  if (!message.source.startsWith("^") || !message.source.endsWith("$"))
    throw new Error(
      `expectError: ${String(message)} must be anchored (^...$) to match the whole message`,
    );
  expect(text).toMatch(message);
}
