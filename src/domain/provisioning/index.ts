export * from './desired';
export * from './plan';
export * from './planner';
export * from './thresholds';
