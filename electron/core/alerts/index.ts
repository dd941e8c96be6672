export * from './header';
export * from './tables';
export * from './names';
export * from './time';
export * from './describe';
export * from './relevance';
export * from './identity';
export * from './location-search';
