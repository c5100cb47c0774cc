export * from './format.ts';
export * from './build.ts';
export * from './witness.ts';
