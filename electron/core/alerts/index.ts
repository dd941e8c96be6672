export * from './header';
export * from './tables';
export * from './names';
export * from './time';
export * from './describe';
