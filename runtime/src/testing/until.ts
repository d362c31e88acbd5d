/**
 * Waits for a condition instead of guessing a duration: polls `condition`
 * until it returns a truthy value (which is returned), and throws when
 * `timeoutMs` passes first, naming what was awaited. Never carries on
 * silently. The timeout only bounds a broken run; a passing run never
 * depends on it.
 */
export async function until<T>(condition: () => T | Promise<T>, timeoutMs: number, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value as NonNullable<T>;
    if (performance.now() > deadline) throw new Error(`until: ${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
