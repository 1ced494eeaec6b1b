export { compileFilter, simplifyFilter, parseFilterString, DEFAULT_FILTER_LIMITS, type FilterLimits } from './compile';
export { matcherOf, TRUE, FALSE, UNDEFINED, BIT_AND, BIT_OR, IN_CHAIN, type EvalContext, type Tri } from './evaluate';
