export * from './api';
export * from './commands';
export * from './dto';
export * from './errors';
export * from './events';
export * from './sources/uri';
export * from './validate';
export * from './wire';
