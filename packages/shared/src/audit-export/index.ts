export * from './format.ts';
export * from './build.ts';
