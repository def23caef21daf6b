/** Runs async work one at a time, in arrival order. */
export function createSerializer(): <T>(work: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>) => {
    const result = tail.then(work, work);
    tail = result.catch(() => undefined);
    return result;
  };
}

export const runDirectly = <T>(work: () => Promise<T>): Promise<T> => work();
