/** Sample rate of every source bus: the engine resamples everything to this. Zod-free so workers can take it cheaply. */
export const BUS_RATE = 22050;
