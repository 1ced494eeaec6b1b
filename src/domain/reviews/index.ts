export * from './types';
export * from './campaign';
export * from './exceptions';
export * from './access';
