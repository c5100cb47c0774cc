export * from './common.ts';
export * from './accounts.ts';
export * from './devices.ts';
export * from './photos.ts';
export * from './albums.ts';
export * from './sync.ts';
