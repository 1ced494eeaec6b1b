export { reviewPages } from './pages';
export type { ReviewBackend, DecisionInput, Refusal } from './backend';
