export * from './attributes';
export * from './dn';
export * from './matching';
export * from './subschema';
