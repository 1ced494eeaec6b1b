// zod skips object refinements once a field failed; config check must list every problem at once,
// so the "secret is required" checks run whenever the input is at least an object.
export const evenWithOtherProblems = {
  when: (payload: { value: unknown }) => typeof payload.value === 'object' && payload.value !== null,
};
